"""`yuqing model train` with several files and --json, `model list`, the card beside the model."""

from __future__ import annotations

import json
from pathlib import Path

from tests.analyse.test_topic_model import labelled
from tests.cli.test_cli import yuqing


def test_train_topics_from_two_files_as_json(tmp_path: Path) -> None:
    texts, topics = labelled()
    half = len(texts) // 2
    first, second = tmp_path / "a.jsonl", tmp_path / "b.json"
    first.write_text(
        "".join(
            json.dumps({"text": t, "topics": y}, ensure_ascii=False) + "\n"
            for t, y in zip(texts[:half], topics[:half], strict=True)
        ),
        encoding="utf-8",
    )
    records = [
        {"content": t, "topics": y} for t, y in zip(texts[half:], topics[half:], strict=True)
    ]
    second.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    result = yuqing(
        tmp_path, "model", "train", "topics", str(first), str(second), "--folds", "3", "--json"
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    model = Path(answer["path"])
    assert model == tmp_path / "data" / "models" / "topics.joblib" and model.is_file()
    assert Path(answer["card_path"]).is_file()
    card = answer["card"]
    assert card["training_size"] == len(texts) and len(card["files"]) == 2
    assert card["scores"]["micro_f1"] > 0.5 and card["folds"] == 3
    listed = yuqing(tmp_path, "model", "list")
    assert listed.returncode == 0 and "topics" in listed.stdout and "micro_f1" in listed.stdout


def test_train_says_where_it_saved_and_rejects_unknown_tasks(tmp_path: Path) -> None:
    data = tmp_path / "p.tsv"
    lines = [f"新增确诊{i}例，截至今日累计\t中性" for i in range(8)]
    lines += [f"感谢医护人员{i}，辛苦了\t正面" for i in range(8)]
    lines += [f"买不到口罩{i}，急死了没人管\t负面" for i in range(8)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = yuqing(tmp_path, "model", "train", "polarity", str(data), "--folds", "0")
    assert result.returncode == 0, result.stderr
    assert "saved → " in result.stdout and "polarity.joblib" in result.stdout
    bad = yuqing(tmp_path, "model", "train", "sports", str(data))
    assert bad.returncode == 1 and "unknown task" in bad.stderr
