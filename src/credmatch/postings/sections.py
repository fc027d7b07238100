"""Plain text / Markdown -> headed sections of bullet items and paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from credmatch.postings.cues import heading_role
from credmatch.postings.model import Line, Role, Section

_ATX: Final = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.*?)\s*#*\s*$")
_SETEXT: Final = re.compile(r"^\s{0,3}(=+|-{2,})\s*$")
_BOLD_LINE: Final = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].*?)(\*\*|__)\s*:?\s*$")
_BULLET: Final = re.compile(r"^(?P<indent>\s*)([-*•+·▪◦‣–—✓✔]|\d{1,2}[.)]|[a-z]\))\s+(?P<text>.*)$")
_EMPHASIS: Final = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`)")
_LINK: Final = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_TERMINAL: Final = re.compile(r"[.!?;,]$")


def clean_inline(text: str) -> str:
    """Text without Markdown emphasis, code ticks and link targets, whitespace collapsed."""
    text = _LINK.sub(r"\1", text)
    return " ".join(_EMPHASIS.sub("", text).split())


def heading_text(line: str, next_line: str | None) -> str | None:
    """The heading a line makes, or None when it is content."""
    if match := _ATX.match(line):
        return clean_inline(match["text"])
    if match := _BOLD_LINE.match(line):
        return clean_inline(match["text"]).rstrip(":").strip()
    stripped = line.strip()
    if not stripped or _BULLET.match(line) or line[:1].isspace():
        return None
    if next_line is not None and _SETEXT.match(next_line) and not stripped.startswith("-"):
        return clean_inline(stripped)
    words = clean_inline(stripped).split()
    if stripped.endswith(":") and len(words) <= 8:
        return clean_inline(stripped).rstrip(":").strip()
    if len(words) <= 6 and not _TERMINAL.search(stripped) and ":" not in stripped:
        text = clean_inline(stripped)
        # a short bare line is a heading only if it reads like one
        if (text.isupper() and any(c.isalpha() for c in text)) or heading_role(text)[
            0
        ] is not Role.GENERAL:
            return text
    return None


@dataclass
class _Builder:
    sections: list[Section] = field(default_factory=list)
    heading: str = ""
    lines: list[Line] = field(default_factory=list)
    paragraph: list[str] = field(default_factory=list)
    bullet: list[str] | None = None

    def close_block(self) -> None:
        if self.bullet is not None:
            self.lines.append(Line(clean_inline(" ".join(self.bullet)), bullet=True))
            self.bullet = None
        if self.paragraph:
            self.lines.append(Line(clean_inline(" ".join(self.paragraph)), bullet=False))
            self.paragraph = []

    def start_section(self, heading: str) -> None:
        self.close_block()
        if self.lines or self.heading:
            self.sections.append(Section(self.heading, tuple(self.lines)))
        self.heading, self.lines = heading, []

    def finish(self) -> list[Section]:
        self.start_section("")
        return [s for s in self.sections if s.lines or s.heading]


def split_sections(text: str) -> list[Section]:
    """Sections in document order; text before the first heading has heading ""."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    builder = _Builder()
    skip_next = False
    for index, line in enumerate(raw):
        if skip_next:
            skip_next = False
            continue
        following = raw[index + 1] if index + 1 < len(raw) else None
        if not line.strip():
            builder.close_block()
            continue
        if (heading := heading_text(line, following)) is not None:
            skip_next = following is not None and _SETEXT.match(following) is not None
            builder.start_section(heading)
            continue
        if _SETEXT.match(line) and not line.strip().startswith("-"):
            continue
        _add_content(builder, line)
    return builder.finish()


def _add_content(builder: _Builder, line: str) -> None:
    if match := _BULLET.match(line):
        builder.close_block()
        builder.bullet = [match["text"]]
    elif builder.bullet is not None and (line[:1].isspace() or line.strip()[:1].islower()):
        builder.bullet.append(line.strip())  # wrapped bullet text
    elif builder.paragraph and _wraps(builder.paragraph[-1], line):
        builder.paragraph.append(line.strip())
    else:
        builder.close_block()
        builder.paragraph.append(line.strip())


def _wraps(previous: str, line: str) -> bool:
    # Hard-wrapped prose has long lines or continues in lower case; short capitalised
    # lines are a list written without bullet marks.
    return line.strip()[:1].islower() or (len(previous) >= 60 and not previous.endswith(":"))
