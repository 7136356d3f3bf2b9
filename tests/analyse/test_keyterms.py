"""Key terms: log-likelihood against a background, fragments folded, own names left out."""

from __future__ import annotations

from yuqing.analyse.keyterms import Background, key_terms, log_likelihood, post_terms

BACKGROUND = [
    "今天核酸检测排队很久",
    "小区门口在发口罩",
    "医院发热门诊人很多",
    "青岚市今天新增确诊病例两例",
    "超市蔬菜供应充足",
    "学校下周开始网课",
] * 20


def test_a_new_phrase_leads_and_its_fragments_fold_into_it() -> None:
    target = [f"网传熏白醋能杀死病毒{i}号" for i in range(8)] + ["青岚市核酸检测排队很久"] * 2
    terms = key_terms(target, Background.of(BACKGROUND), exclude=["青岚市"])
    names = [t.term for t in terms]
    assert "熏白醋" in names[0]  # the phrase all eight posts share, joined from its pieces
    assert not any(n in {"熏白", "白醋"} for n in names)  # fragments of the phrase
    assert terms[0].posts == 8 and terms[0].background == 0
    assert not any("青岚" in n for n in names)  # the desk's own name
    assert "排队" not in names  # as common in the background as here


def test_terms_need_two_posts_and_skip_particles() -> None:
    terms = key_terms(["一次提到的说法", "完全不同的内容"], Background.of(BACKGROUND))
    assert terms == []
    grams = post_terms("我们的口罩呢")
    assert "口罩" in grams and not any(g.startswith("的") or "的" in g for g in grams)


def test_traditional_and_simplified_count_as_one_term() -> None:
    target = ["口罩價格上漲", "口罩价格上涨", "口罩價格又上漲了"]
    terms = key_terms(target, Background.of(BACKGROUND))
    top = {t.term: t.posts for t in terms}
    assert top.get("价格上涨", top.get("口罩价格")) is not None
    assert max(top.values()) == 3


def test_log_likelihood_is_zero_without_a_difference_and_grows_with_it() -> None:
    assert log_likelihood(10, 100, 10, 100) == 0.0
    assert log_likelihood(30, 100, 10, 100) > log_likelihood(20, 100, 10, 100) > 0


def test_own_names_are_left_out_with_and_without_their_suffix() -> None:
    target = ["青岚疫情最新通报来了", "青岚疫情最新通报又来了", "东城区发放口罩", "东城发放口罩"]
    names = [
        t.term for t in key_terms(target, Background.of(BACKGROUND), exclude=["青岚市", "东城区"])
    ]
    assert names and not any("青岚" in n or "东城" in n for n in names)
    assert any("发放" in n for n in names)


def test_a_cut_of_a_longer_phrase_grows_into_the_phrase() -> None:
    """No n-gram of four holds 当场责令整改; the term printed is the whole phrase, its
    posts counted again, and a phrase that is the desk's own name goes."""
    shops = ["东关药店", "湖滨超市", "钢城菜场", "南门药房", "柳岸便利店", "白沙粮油店"]
    who = ["执法人员", "检查组", "市场监管人员"]
    target = [f"{shop}哄抬价格，{who[i % 3]}当场责令整改" for i, shop in enumerate(shops)]
    target += [f"{shop}被青岚市市场监督管理局通报" for shop in shops[:4]]
    terms = key_terms(target, Background.of(BACKGROUND), exclude=["青岚市市场监督管理局"])
    by_term = {t.term: t.posts for t in terms}
    assert by_term.get("当场责令整改") == 6
    assert not any(t in by_term for t in ("场责令整", "当场责令", "责令整改"))
    assert not any("监督管理" in t for t in by_term)
