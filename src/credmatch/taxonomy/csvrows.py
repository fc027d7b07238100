"""Streaming CSV reading shared by the CSV-based sources: header checks and row line numbers."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from credmatch.errors import TaxonomyFormatError
from credmatch.taxonomy.model import RowError


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]


def read_header(path: Path) -> list[str]:
    """The header of ``path``; raises TaxonomyFormatError when it cannot be read."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f), None)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise TaxonomyFormatError(f"{path}: cannot read the CSV header ({e})") from e
    if not header:
        raise TaxonomyFormatError(f"{path}: the file is empty; expected a CSV header row")
    return [name.strip() for name in header]


def check_columns(path: Path, required: Sequence[str]) -> list[str]:
    """The header of ``path``, after checking that every ``required`` column is in it."""
    header = read_header(path)
    for column in required:
        if column not in header:
            raise TaxonomyFormatError(
                f"{path}: required column {column!r} is missing "
                f"(found: {', '.join(header)}); is this the right file?"
            )
    return header


def iter_rows(path: Path, required: Sequence[str]) -> Iterator[CsvRow | RowError]:
    """Stream the data rows of ``path`` as dicts keyed by the header.

    A row with the wrong number of fields or an unparseable quote is a RowError, not fatal.
    """
    header = check_columns(path, required)
    try:
        yield from _rows(path, header)
    except UnicodeDecodeError as e:
        raise TaxonomyFormatError(
            f"{path}: not UTF-8 text ({e.reason}); re-export the file as UTF-8"
        ) from e


def _rows(path: Path, header: list[str]) -> Iterator[CsvRow | RowError]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        _ = next(reader, None)
        next_line = reader.line_num + 1
        while True:
            start = next_line
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                next_line = reader.line_num + 1
                yield RowError(str(path), start, f"unreadable CSV row: {e}")
                continue
            next_line = reader.line_num + 1
            if not any(field.strip() for field in fields):
                continue  # blank lines are layout, not data
            if len(fields) != len(header):
                yield RowError(
                    str(path), start, f"expected {len(header)} fields, found {len(fields)}"
                )
                continue
            yield CsvRow(start, dict(zip(header, fields, strict=True)))
