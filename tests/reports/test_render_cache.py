"""Rendered files are kept by what they print: the same document is rendered once,
a changed one again, and only the last few are kept."""

from __future__ import annotations

from dataclasses import replace

from tests.reports.test_render import issued
from yuqing.reports.document import Document
from yuqing.reports.render import render
from yuqing.reports.render_cache import RenderCache, document_key

__all__ = ["issued"]  # the issued 第1期 of the render tests


def test_a_document_is_rendered_once_and_a_changed_one_again(issued: Document) -> None:
    cache = RenderCache(kept=2)
    made: list[str] = []

    def make(label: str) -> bytes:
        made.append(label)
        return label.encode()

    key = document_key(issued, "pdf")
    assert cache.get(key, lambda: make("first")) == b"first"
    assert cache.get(key, lambda: make("again")) == b"first"  # kept, not rendered again
    edited = replace(issued, title=issued.title + "（修订）")
    assert document_key(edited, "pdf") != key
    assert document_key(issued, "docx") != key
    cache.get(document_key(edited, "pdf"), lambda: make("edited"))
    cache.get(document_key(issued, "docx"), lambda: make("docx"))
    assert made == ["first", "edited", "docx"] and len(cache) == 2
    cache.get(key, lambda: make("evicted"))  # the oldest went out first
    assert made[-1] == "evicted"


def test_the_preview_pdf_is_the_same_file_each_time(issued: Document) -> None:
    first = render(issued, "pdf").data
    assert first.startswith(b"%PDF")
    assert render(issued, "pdf").data is first
