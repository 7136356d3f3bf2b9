"""Questions the public asks: found in a post's own words and grouped into one each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from yuqing.analyse.questions import (
    Question,
    answered_by,
    bigrams,
    group_questions,
    is_question,
    question_sentences,
)

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def test_questions_are_found_in_own_words_only() -> None:
    assert question_sentences("请问东城区的核酸检测点在哪里？我找了半天。") == [
        "请问东城区的核酸检测点在哪里？"
    ]
    # The quoted original of a repost is someone else's question.
    assert question_sentences("转发//@甲:隔离期间怎么买药？") == []
    assert question_sentences("同问，隔离期间怎么买药//@甲:隔离期间怎么买药？") == [
        "同问，隔离期间怎么买药"
    ]


def test_rhetorical_and_short_sentences_are_not_questions() -> None:
    assert not is_question("凭什么不让我们出门？")
    assert not is_question("为啥？")  # too short to say what is asked
    assert is_question("疫苗接种点周末开门吗")
    assert not is_question("今天天气很好。")


def test_groups_fold_wordings_of_one_question() -> None:
    texts = [
        "隔离期间怎么买药？",
        "隔离期间怎么去买药",
        "隔离期间去哪里买药？",
        "学校什么时候开学？",
    ]
    questions = [Question(i, t, T0 + timedelta(hours=i)) for i, t in enumerate(texts)]
    groups = group_questions(questions)
    assert [g.count for g in groups] == [3, 1]
    assert groups[0].item_ids == [0, 1, 2] and groups[0].between(T0, T0 + timedelta(hours=2)) == 2


def test_an_answer_covering_the_question_marks_it_answered() -> None:
    group = group_questions([Question(1, "隔离期间怎么买药？", T0)])[0]
    answers = [
        ("辟谣：无关", bigrams("学校开学时间另行通知")),
        ("答复：买药", bigrams("隔离期间买药可拨打社区电话，由网格员代购配送")),
    ]
    assert answered_by(group, answers) == "答复：买药"
    assert answered_by(group, answers[:1]) is None


def test_the_labelled_questions_keep_their_floors() -> None:
    from bench.eval_questions import evaluate

    scores = evaluate()
    assert scores.precision >= 0.95 and scores.recall >= 0.9
    assert scores.purity >= 0.95 and scores.completeness >= 0.9


def test_hashtags_and_emoticons_are_not_part_of_the_question() -> None:
    assert question_sentences("#青岚全员核酸#排队两小时，能不能多开几个采样窗口[哭]") == [
        "排队两小时，能不能多开几个采样窗口"
    ]
    assert question_sentences("市民如有疑问，可拨打12345政务服务热线咨询。") == []
