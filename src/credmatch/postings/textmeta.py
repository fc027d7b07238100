"""Title, front matter and "Key: value" header lines of a plain-text / Markdown posting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from credmatch.postings.sections import clean_inline

_FRONT_MATTER: Final = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>.*?)\n---[ \t]*(\n|\Z)", re.S)
_META_LINE: Final = re.compile(
    r"^\s*[-*]?\s*(?P<key>[A-Za-z][A-Za-z _-]{1,30}?)\s*:\s*(?P<value>.+?)\s*$"
)
_HEADING_MARK: Final = re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$")
_SETEXT: Final = re.compile(r"^\s*(=+|-{2,})\s*$")
KEYS: Final = {
    "id": "id",
    "identifier": "id",
    "job id": "id",
    "reference": "id",
    "ref": "id",
    "title": "title",
    "job title": "title",
    "company": "organization",
    "organization": "organization",
    "organisation": "organization",
    "employer": "organization",
    "hiring organization": "organization",
    "url": "url",
    "link": "url",
    "date posted": "date_posted",
    "posted": "date_posted",
    "date": "date_posted",
    "valid through": "valid_through",
    "closing date": "valid_through",
    "apply by": "valid_through",
    "deadline": "valid_through",
    "occupational category": "occupational_category",
    "category": "occupational_category",
    "occupation": "occupational_category",
    # recognised so they are not mistaken for content, but not kept
    "location": "",
    "salary": "",
    "type": "",
    "employment type": "",
    "contract": "",
    "remote": "",
}


@dataclass
class TextHeader:
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    body: str = ""


def split_header(text: str) -> TextHeader:
    """Front matter, then the title (first heading or line), then header "Key: value" lines."""
    header = TextHeader()
    text = text.lstrip("\ufeff")
    if match := _FRONT_MATTER.match(text):
        _read_meta(match["body"].split("\n"), header.meta)
        text = text[match.end() :]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = _skip_blank(lines, 0)
    if "title" in header.meta:
        header.title = header.meta.pop("title")
    elif index < len(lines):
        header.title = clean_inline(_HEADING_MARK.sub("", lines[index])) or None
        index += 1
        if index < len(lines) and _SETEXT.match(lines[index]):
            index += 1
    index = _read_meta_lines(lines, index, header.meta)
    header.body = "\n".join(lines[index:])
    return header


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _read_meta_lines(lines: list[str], index: int, meta: dict[str, str]) -> int:
    """Consume the contiguous "Key: value" block right under the title."""
    index = _skip_blank(lines, index)
    while index < len(lines):
        line = clean_inline(lines[index])
        match = _META_LINE.match(line)
        if not line:
            index += 1
            continue
        if match is None or match["key"].lower().strip() not in KEYS:
            break
        _store(match["key"], match["value"], meta)
        index += 1
    return index


def _read_meta(lines: list[str], meta: dict[str, str]) -> None:
    for line in lines:
        if match := _META_LINE.match(line):
            _store(match["key"], match["value"], meta)


def _store(key: str, value: str, meta: dict[str, str]) -> None:
    name = KEYS.get(key.lower().strip().replace("_", " ").replace("-", " "))
    value = value.strip().strip("\"'").strip()
    if name and value and name not in meta:
        meta[name] = value
