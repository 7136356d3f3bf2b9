"""HTML fragments (feed summaries, exported posts) to plain text."""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import ParserError

_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
_DROP = ("script", "style", "noscript", "template", "head")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_TAG_HINT = re.compile(r"<[a-zA-Z!/]")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one line per block; plain text passes through."""
    if not _TAG_HINT.search(markup):
        return markup.strip()
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return markup.strip()
    for element in root.iter(*_DROP):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    lines = [line.strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()
