"""Labelled-file readers, the trainable text model, and its figures on real data."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yuqing.analyse.labelled import read_labelled, read_names
from yuqing.analyse.models import FORMAT, TextModel, cross_validate, evaluate, score
from yuqing.errors import BadInput

FLOORS = Path(__file__).with_name("floors_models.json")

# ---------------------------------------------------------------- labelled files


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_tsv_without_header_label_after_last_tab(tmp_path: Path) -> None:
    path = write(tmp_path, "a.tsv", "体验2D巅峰\t8\n同步A股\t首秀\t2\n\n60年铁树开花\t5\n")
    data = read_labelled(path)
    assert data.texts == ["体验2D巅峰", "同步A股\t首秀", "60年铁树开花"]
    assert data.labels == ["8", "2", "5"]
    assert data.skipped == 0


def test_tsv_with_header_and_names(tmp_path: Path) -> None:
    names = write(tmp_path, "classes.txt", "finance\nrealty\nstocks\n")
    path = write(tmp_path, "b.tsv", "label\ttext\n2\t港股回调\n0\t银行降息\n")
    data = read_labelled(path, names=read_names(names))
    assert data.texts == ["港股回调", "银行降息"]
    assert data.labels == ["stocks", "finance"]


def test_tsv_bad_lines_counted_with_positions(tmp_path: Path) -> None:
    content = "好消息\t1\nno tab here\n\t2\n空标签\t\n正常\t0\n越界\t7\n"
    data = read_labelled(write(tmp_path, "c.tsv", content), names=["neg", "pos"])
    assert data.texts == ["好消息", "正常"]
    assert data.labels == ["pos", "neg"]
    assert data.skipped == 4
    assert data.skipped_at == [2, 3, 4, 6]
    assert "skipped 4" in data.report()


def test_jsonl_fields_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"content": "网传封城", "label": 1}),
        "{not json",
        json.dumps({"title": "辟谣", "label": "0"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "没有标签"}),
        json.dumps({"text": "   ", "label": 1}),
        json.dumps({"text": "小数标签", "label": 0.0}),
    ]
    data = read_labelled(write(tmp_path, "d.jsonl", "\n".join(lines)), names=["real", "fake"])
    assert data.texts == ["网传封城", "辟谣", "小数标签"]
    assert data.labels == ["fake", "real", "real"]
    assert data.skipped_at == [2, 4, 5, 6]


def test_json_array_smp_style(tmp_path: Path) -> None:
    records = [
        {"id": 1, "content": "加油武汉", "label": "happy"},
        {"id": 2, "content": "气死了", "label": "angry"},
        "junk",
        {"id": 4, "content": "无标签"},
    ]
    path = write(tmp_path, "e.json", json.dumps(records, ensure_ascii=False))
    data = read_labelled(path)
    assert data.labels == ["happy", "angry"]
    assert data.skipped == 2 and data.skipped_at == [3, 4]


def test_json_file_holding_jsonl_and_custom_fields(tmp_path: Path) -> None:
    content = '{"body": "正文", "y": "b"}\n{"body": "另一条", "y": "a"}\n'
    data = read_labelled(write(tmp_path, "f.json", content), text_field="body", label_field="y")
    assert data.texts == ["正文", "另一条"] and data.labels == ["b", "a"]


def test_malformed_json_array_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        read_labelled(write(tmp_path, "g.json", "[{"))


def test_csv_with_header_quotes_and_bad_rows(tmp_path: Path) -> None:
    content = 'id,content,label\n1,"逗号,在里面",fake\n2,only two\n3,"多行\n文本",real\n'
    data = read_labelled(write(tmp_path, "h.csv", content))
    assert data.texts == ["逗号,在里面", "多行\n文本"]
    assert data.labels == ["fake", "real"]
    assert data.skipped == 1


def test_csv_without_usable_header_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="header"):
        read_labelled(write(tmp_path, "i.csv", "a,b\n1,2\n"))


def test_gb18030_file_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.tsv"
    path.write_bytes("疫情通报\t1\n".encode("gb18030"))
    assert read_labelled(path).texts == ["疫情通报"]
    with pytest.raises(BadInput):
        read_labelled(tmp_path / "missing.tsv")


_SAFE_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\t\n\r\ufeff")
_TEXT = st.text(_SAFE_CHARS, min_size=1, max_size=30).filter(lambda s: s.strip() != "")
_LABEL = st.one_of(
    st.integers(min_value=0, max_value=99).map(str),
    st.text(_SAFE_CHARS, min_size=1, max_size=8).filter(
        lambda s: s.strip() != "" and s.strip().lower() != "label"
    ),
)
_PAIRS = st.lists(st.tuples(_TEXT, _LABEL), min_size=1, max_size=20)
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(pairs=_PAIRS, fmt=st.sampled_from(["tsv", "jsonl", "csv"]))
def test_every_well_formed_record_is_read_back(
    tmp_path_factory: pytest.TempPathFactory, pairs: list[tuple[str, str]], fmt: str
) -> None:
    if fmt == "tsv":
        content = "".join(f"{t}\t{label}\n" for t, label in pairs)
    elif fmt == "jsonl":
        content = "".join(json.dumps({"text": t, "label": label}) + "\n" for t, label in pairs)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["text", "label"])
        writer.writerows(pairs)
        content = buffer.getvalue()
    path = tmp_path_factory.mktemp("rt") / f"data.{fmt}"
    path.write_text(content, encoding="utf-8", newline="")
    data = read_labelled(path)
    assert data.skipped == 0
    assert data.texts == [t.strip() for t, _ in pairs]
    assert data.labels == [label.strip() for _, label in pairs]


@_SETTINGS
@given(
    lines=st.lists(st.text(max_size=40), max_size=15),
    suffix=st.sampled_from([".tsv", ".jsonl", ".csv", ".json", ".dat"]),
)
def test_arbitrary_lines_never_crash(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], suffix: str
) -> None:
    path = tmp_path_factory.mktemp("junk") / f"junk{suffix}"
    path.write_bytes("\n".join(lines).encode("utf-8", errors="surrogatepass"))
    try:
        data = read_labelled(path)
    except BadInput:
        return  # a whole-file problem (no JSON array, no CSV header) is reported, not raised raw
    assert len(data.texts) == len(data.labels)
    assert all(
        t.strip() and label.strip() for t, label in zip(data.texts, data.labels, strict=True)
    )
    assert data.skipped >= len(data.skipped_at)


# ---------------------------------------------------------------- the model

_VOCAB = {
    "price": ["涨价", "菜价", "太贵", "一斤", "哄抬", "价格"],
    "school": ["开学", "网课", "老师", "学生", "考试", "停课"],
    "traffic": ["高速", "卡口", "封路", "公交", "通行证", "返乡"],
}
_FILLER = "的了在是我有和就不人都一上也很到说要去你会着没看好自己这"


def tiny_set(seed: int = 1, per_label: int = 12) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for label, words in _VOCAB.items():
        for _ in range(per_label):
            parts = rng.sample(words, 2) + rng.sample(_FILLER, 4)
            rng.shuffle(parts)
            texts.append("".join(parts))
            labels.append(label)
    return texts, labels


def test_train_predict_save_load_round_trip(tmp_path: Path) -> None:
    texts, labels = tiny_set()
    model = TextModel.train(texts, labels, task="topic")
    assert model.labels == ("price", "school", "traffic")
    assert model.info.training_size == len(texts)
    assert model.info.versions["scikit-learn"]
    probe = ["菜价涨价太贵了", "孩子的网课和考试", "高速卡口要通行证", "菜價漲價太貴了"]
    predicted = model.predict(probe)
    assert predicted == ["price", "school", "traffic", "price"]  # traditional via matching_form
    proba = model.predict_proba(probe)
    assert all(abs(sum(p.values()) - 1) < 1e-6 for p in proba)
    assert [max(p, key=lambda k: p[k]) for p in proba] == [t for t, _ in model.predict_top(probe)]

    path = tmp_path / "models" / "topic.joblib"
    model.save(path)
    again = TextModel.load(path)
    assert again.info == model.info
    assert again.predict(probe) == predicted
    assert again.predict_proba(probe) == proba
    assert model.predict([]) == [] and model.predict_top([]) == []


def test_training_is_deterministic() -> None:
    texts, labels = tiny_set()
    probe = ["价格老师", "公交开学", "一斤高速"]
    first = TextModel.train(texts, labels, task="t").predict_proba(probe)
    assert TextModel.train(texts, labels, task="t").predict_proba(probe) == first


def test_load_refuses_foreign_and_other_version(tmp_path: Path) -> None:
    junk = write(tmp_path, "junk.joblib", "not a model")
    with pytest.raises(BadInput, match="not a yuqing text model"):
        TextModel.load(junk)
    other = tmp_path / "other.joblib"
    joblib.dump({"something": "else"}, other)
    with pytest.raises(BadInput, match="not a yuqing text model"):
        TextModel.load(other)
    future = tmp_path / "future.joblib"
    joblib.dump({"format": FORMAT, "format_version": 99, "info": {}, "pipeline": None}, future)
    with pytest.raises(BadInput, match="format version 99"):
        TextModel.load(future)
    with pytest.raises(BadInput, match="no model file"):
        TextModel.load(tmp_path / "absent.joblib")


def test_training_input_is_checked() -> None:
    with pytest.raises(BadInput, match="two different labels"):
        TextModel.train(["a", "b", "c"], ["x", "x", "x"], task="t")
    with pytest.raises(BadInput, match="3 texts but 2 labels"):
        TextModel.train(["a", "b", "c"], ["x", "y"], task="t")
    with pytest.raises(BadInput, match="too few for: y"):
        TextModel.train(["a", "b", "c", "d"], ["x", "x", "x", "y"], task="t")


def test_evaluate_and_cross_validate() -> None:
    texts, labels = tiny_set(per_label=15)
    model = TextModel.train(texts, labels, task="topic")
    held_out, gold = tiny_set(seed=2, per_label=5)
    metrics = evaluate(model, held_out, gold)
    assert metrics.count == 15 and metrics.macro_f1 > 0.8
    assert set(metrics.per_class_f1) == {"price", "school", "traffic"}
    cv = cross_validate(texts, labels, folds=3, seed=0)
    assert cv == cross_validate(texts, labels, folds=3, seed=0)
    assert cv.count == len(texts) and cv.macro_f1 > 0.8
    with pytest.raises(BadInput):
        cross_validate(texts, labels, folds=1)


def test_score_handles_never_predicted_classes() -> None:
    metrics = score(["a", "a", "b", "c"], ["a", "a", "a", "a"])
    assert metrics.per_class_f1["b"] == 0.0
    assert metrics.accuracy == 0.5
    assert metrics.support == {"a": 2, "b": 1, "c": 1}


# ---------------------------------------------------------------- real-data floors
# Floors only move up. Lowering one needs its key in the file's "lowered" table with the
# reason (the explicit flag; the commit that lowers it names it too).

REPO = Path(__file__).resolve().parents[2]


def load_floors_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FLOORS.read_text(encoding="utf-8"))
    return data


def load_floors() -> dict[str, float]:
    return {k: float(v) for k, v in load_floors_file()["floors"].items()}


def test_floors_are_sane() -> None:
    floors = load_floors()
    assert {
        "desk_topics_cv_micro_f1",
        "desk_topics_seeds_micro_f1",
        "desk_polarity_cv_macro_f1",
        "desk_polarity_lexicon_macro_f1",
        "smp2020_emotion_macro_f1",
        "smp2020_emotion_cross_domain_accuracy",
        "weibo21_misinfo_macro_f1",
        "thucnews_topics_cv_macro_f1",
    } <= set(floors)
    assert all(isinstance(v, float) and 0 < v < 1 for v in floors.values())
    lowered = load_floors_file().get("lowered", {})
    assert all(isinstance(reason, str) and reason.strip() for reason in lowered.values())


def test_floors_never_drop_without_the_flag() -> None:
    try:
        before_text = subprocess.run(
            ["git", "show", "HEAD:tests/analyse/floors_models.json"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no git history to compare the floors with")
    before = json.loads(before_text)
    before_floors = before.get("floors", before)  # the first file was a flat table
    floors = load_floors()
    lowered = load_floors_file().get("lowered", {})
    dropped = [
        key
        for key, value in before_floors.items()
        if key not in lowered and floors.get(key, 0.0) < float(value)
    ]
    assert dropped == [], f"floors lowered without a 'lowered' entry: {dropped}"


def test_figures_on_real_data_meet_floors(real_model_figures: dict[str, float]) -> None:
    figures = real_model_figures
    for key, floor in load_floors().items():
        assert figures[key] >= floor, f"{key} fell to {figures[key]:.4f}, below its floor {floor}"


def test_polarity_model_no_worse_on_news_than_posts(real_model_figures: dict[str, float]) -> None:
    figures = real_model_figures
    assert figures["desk_polarity_cv_news_accuracy"] >= figures["desk_polarity_cv_posts_accuracy"]
