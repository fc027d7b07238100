"""The ``credmatch`` command line: one sub-command group per module, registered here."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from credmatch import __version__
from credmatch.cli import data, keys, platform
from credmatch.errors import ConfigError, CredmatchError, InputError

_GROUPS = (platform, data, keys)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credmatch",
        description="Rank candidates for job postings by verified micro-credentials.",
    )
    parser.add_argument("--version", action="version", version=f"credmatch {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in _GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        status: int = args.handler(args)
    except (ConfigError, InputError) as e:
        print(f"credmatch: {e}", file=sys.stderr)
        return 2
    except CredmatchError as e:
        print(f"credmatch: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status
