"""HTML job descriptions -> Markdown-like lines the text sectioner understands.

Headings become ``## x``, list items ``- x``, a paragraph that is only bold text becomes a
``**x**`` line (postings often use <p><strong>Requirements</strong></p> as headings).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Final

_HTML_TAG: Final = re.compile(
    r"</?(p|br|ul|ol|li|div|h[1-6]|strong|b|em|i|span|table|tr|td|section|a)\b[^>]*>", re.I
)
_BLOCK: Final = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "ul",
        "ol",
        "table",
        "tr",
        "blockquote",
        "dl",
        "dt",
        "dd",
        "main",
        "aside",
    ]
)
_HEADING: Final = frozenset(f"h{n}" for n in range(1, 7))
_BOLD: Final = frozenset({"strong", "b"})
_SKIP: Final = frozenset({"script", "style", "head", "title"})


def looks_like_html(text: str) -> bool:
    """True when ``text`` contains block or inline HTML tags."""
    return _HTML_TAG.search(text) is not None


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._parts: list[str] = []
        self._prefix = ""
        self._skipping = 0
        self._bold = 0
        self._bold_text = False
        self._plain_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag == "br":
            self._flush()
        elif tag == "li":
            self._flush()
            self._prefix = "- "
        elif tag in _HEADING:
            self._flush()
            self._prefix = "## "
        elif tag in _BLOCK:
            self._flush()
        elif tag in _BOLD:
            self._bold += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _HEADING or tag in _BLOCK or tag == "li":
            self._flush()
        elif tag in _BOLD:
            self._bold = max(0, self._bold - 1)

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self._parts.append(data)
        if data.strip():
            if self._bold:
                self._bold_text = True
            else:
                self._plain_text = True

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            if self._bold_text and not self._plain_text and not self._prefix:
                text = f"**{text}**"  # a paragraph that is all bold reads as a heading
            self.lines.append(self._prefix + text)
        self._parts = []
        self._prefix = ""
        self._bold_text = self._plain_text = False

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_text(markup: str) -> str:
    """Markdown-like text of an HTML fragment, entities decoded, one block per line."""
    converter = _Converter()
    converter.feed(markup)
    converter.close()
    return "\n\n".join(converter.lines)


def decode_entities(text: str) -> str:
    """Plain text with HTML entities (``&amp;``) decoded."""
    return html.unescape(text) if "&" in text else text
