"""The text of an e-mail: headers and parts decoded whatever their labels say, quoted
replies and signatures trimmed, HTML bodies read as plain text."""

from __future__ import annotations

import re
from email.header import Header, decode_header
from html.parser import HTMLParser

from yuqing.collect.encoding import decode_labelled

_REPLY_MARKER = re.compile(
    r"^\s*(-{2,}\s*(原始邮件|Original Message)\s*-{2,}|在.{0,100}写道[:：]|On .{0,200}wrote:)\s*$",
    re.IGNORECASE,
)
_MOBILE_SIGNATURE = re.compile(r"^\s*(发自我的|從我的|Sent from my )\S*\s*$", re.IGNORECASE)


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text from bytes under a charset label that may be wrong, narrow or missing:
    the project's one decoder (``yuqing.collect.encoding``) judges the label."""
    return decode_labelled(data, charset)


def decode_text_header(value: str | Header | None) -> str:
    """A header's text: RFC 2047 words and raw 8-bit bytes decoded alike."""
    if value is None:
        return ""
    try:
        parts = decode_header(value)
    except Exception:  # a malformed encoded word: show it as it came
        return str(value)
    text = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            text.append(decode_bytes(chunk, charset))
        else:
            text.append(chunk.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    return "".join(text)


def trim_reply(text: str) -> str:
    """The officer's own words: quoted replies, the quoted original and signatures
    removed; but a bare forward (nothing written above the quote) is kept whole."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        marker = line.rstrip() == "--" or _REPLY_MARKER.match(line) is not None
        if marker and any(above.strip() for above in lines[:index]):
            lines = lines[:index]
            break
    own = [line for line in lines if not line.startswith(">")]
    if any(line.strip() for line in own):
        lines = own
    lines = [line.rstrip() for line in lines if not _MOBILE_SIGNATURE.match(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr"})
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML body: tags dropped, blocks on their own lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (
        " ".join(line.replace("\xa0", " ").split()) for line in "".join(parser.parts).split("\n")
    )
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
