"""The last few rendered files, kept by what they print: a signer's preview frame asks
for the same PDF each time the report page opens, and WeasyPrint takes about a second
for it. Any change to the document (a new version, a step, an edit) is a new key."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict

from yuqing.reports.document import Document

KEPT = 16  # a PDF is some hundred kilobytes: a few megabytes at most


def document_key(doc: Document, fmt: str) -> str:
    printed = json.dumps(asdict(doc), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{fmt}\n{printed}".encode()).hexdigest()


class RenderCache:
    """Least recently used first out; safe to share between the server's threads."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self._files: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._files:
                self._files.move_to_end(key)
                return self._files[key]
        data = make()  # outside the lock: two threads may render once each, never wait
        with self._lock:
            self._files[key] = data
            self._files.move_to_end(key)
            while len(self._files) > self.kept:
                self._files.popitem(last=False)
        return data

    def __len__(self) -> int:
        return len(self._files)


RENDERED = RenderCache()
