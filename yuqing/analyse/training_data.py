"""Training sets for the desk's models, read from one or several labelled files.

* topics: each record names 0 to 3 topics — a JSON list in ``topics`` (JSONL or a JSON
  array of records), or a string in ``topics``/``label`` separated by ``|`` or ``,``
  (any format ``yuqing.analyse.labelled`` reads; an empty string is "no topic");
* polarity: 负面/中性/正面 (or negative/neutral/positive) in ``polarity`` or ``label``;
  a file labelled with the six emotions instead (SMP2020-EWECT style) is mapped to
  polarity and trains at a lower weight, as extra examples;
* emotion, misinfo: one label per record (``yuqing.analyse.labelled``).

A record that cannot be read is skipped and counted, as everywhere else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from yuqing.analyse.cards import TrainingFile, file_entry
from yuqing.analyse.labelled import TEXT_FIELDS, LabelledSet, detect_format, read_labelled
from yuqing.analyse.polarity import emotion_to_polarity, polarity_label
from yuqing.errors import BadInput
from yuqing.text import matching_form

_TOPIC_SPLIT = re.compile(r"[|,，、;；]")


@dataclass
class TrainingSet:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # single-label tasks
    topics: list[list[str]] = field(default_factory=list)  # the topics task
    extra_texts: list[str] = field(default_factory=list)  # polarity from emotion labels
    extra_labels: list[str] = field(default_factory=list)
    files: list[TrainingFile] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def report(self) -> str:
        parts = [
            f"{Path(f.path).name}: {f.records} records, {f.skipped} skipped" for f in self.files
        ]
        extra = f"; {len(self.extra_texts)} extra (emotion → polarity)" if self.extra_texts else ""
        return "; ".join(parts) + extra


def read_training(
    task: str, paths: Sequence[Path], *, names: Sequence[str] | None = None
) -> TrainingSet:
    if not paths:
        raise BadInput("name at least one labelled file")
    out = TrainingSet()
    for path in paths:
        if task == "topics":
            _read_topics(path, out)
        elif task == "polarity":
            _read_polarity(path, out)
        else:
            labelled = read_labelled(path, names=names)
            out.texts += labelled.texts
            out.labels += labelled.labels
            out.files.append(file_entry(path, len(labelled), labelled.skipped))
    if task == "polarity":
        _settle_extra(out)
    if not out.texts:
        raise BadInput(f"no labelled texts for {task} in {', '.join(str(p) for p in paths)}")
    return out


def _settle_extra(out: TrainingSet) -> None:
    """Emotion-labelled texts that repeat a desk-labelled one are dropped (the desk's
    label wins, and cross-validation must not see a test text in training); with no
    desk labels at all the mapped ones are the training set."""
    if not out.texts:
        out.texts, out.labels = out.extra_texts, out.extra_labels
        out.extra_texts, out.extra_labels = [], []
        return
    seen = {matching_form(t) for t in out.texts}
    kept = [(t, y) for t, y in zip(out.extra_texts, out.extra_labels, strict=True)]
    kept = [(t, y) for t, y in kept if matching_form(t) not in seen]
    out.extra_texts = [t for t, _ in kept]
    out.extra_labels = [y for _, y in kept]


def _read_topics(path: Path, out: TrainingSet) -> None:
    content = path.read_text(encoding="utf-8-sig")
    fmt = detect_format(path, content)
    read, skipped = 0, 0
    if fmt in ("jsonl", "json"):
        for record in _records(content, fmt, path):
            pair = _topic_record(record)
            if pair is None:
                skipped += 1
                continue
            out.texts.append(pair[0])
            out.topics.append(pair[1])
            read += 1
    else:
        labelled = _read_labelled_topics(path)
        for text, label in zip(labelled.texts, labelled.labels, strict=True):
            out.texts.append(text)
            out.topics.append(_split_topics(label))
        read, skipped = len(labelled), labelled.skipped
    out.files.append(file_entry(path, read, skipped))


def _read_labelled_topics(path: Path) -> LabelledSet:
    try:
        return read_labelled(path, label_field="topics")
    except BadInput:
        return read_labelled(path)


def _topic_record(record: object) -> tuple[str, list[str]] | None:
    if not isinstance(record, dict):
        return None
    text = next((v for f in TEXT_FIELDS if isinstance(v := record.get(f), str) and v.strip()), None)
    raw = record.get("topics", record.get("label"))
    if text is None or raw is None:
        return None
    if isinstance(raw, str):
        return text.strip(), _split_topics(raw)
    if isinstance(raw, list) and all(isinstance(t, str) for t in raw):
        return text.strip(), [t.strip() for t in raw if t.strip()]
    return None


def _split_topics(raw: str) -> list[str]:
    return [t.strip() for t in _TOPIC_SPLIT.split(raw) if t.strip()]


def _records(content: str, fmt: str, path: Path) -> list[object]:
    if fmt == "jsonl":
        records: list[object] = []
        for line in content.split("\n"):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError:
                    records.append(None)
        return records
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise BadInput(f"{path} is not a JSON array of records: {exc}") from exc
    if not isinstance(data, list):
        raise BadInput(f"{path} holds no JSON array of records")
    return data


def _read_polarity(path: Path, out: TrainingSet) -> None:
    content = path.read_text(encoding="utf-8-sig")
    field_name = "polarity" if '"polarity"' in content[:20_000] else None
    labelled = read_labelled(path, label_field=field_name)
    skipped = labelled.skipped
    # A file with any emotion-only label (happy, angry, …) is an emotion file throughout:
    # its "neutral" is an emotion too, and all of it trains as extra examples.
    emotions = any(
        polarity_label(raw) is None and emotion_to_polarity(raw) is not None
        for raw in labelled.labels
    )
    for text, raw in zip(labelled.texts, labelled.labels, strict=True):
        if emotions and (mapped := emotion_to_polarity(raw)) is not None:
            out.extra_texts.append(text)
            out.extra_labels.append(mapped)
        elif not emotions and (label := polarity_label(raw)) is not None:
            out.texts.append(text)
            out.labels.append(label)
        else:
            skipped += 1
    out.files.append(file_entry(path, len(labelled) - skipped + labelled.skipped, skipped))
