"""Accounts named in a text become keyed pseudonyms; nothing else in the text changes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yuqing.text.pseudonyms import is_pseudonym, pseudonymise, pseudonymise_handles

SECRET = "h" * 32
NAME = st.text(
    alphabet=st.sampled_from("江边的猫小林同学衡水学院abcXYZ_09"), min_size=1, max_size=30
)
PLAIN = st.text(alphabet=st.sampled_from("排队核酸检测点，。！ 12"), max_size=20)


@given(st.lists(st.tuples(PLAIN, NAME), min_size=1, max_size=5), PLAIN)
def test_every_chain_account_is_replaced_and_the_rest_kept(
    hops: list[tuple[str, str]], tail: str
) -> None:
    text = "".join(f"{said}//@{name}:" for said, name in hops) + tail
    out, count = pseudonymise_handles(text, SECRET, platform="file")
    assert count == len(hops)
    expected = "".join(
        f"{said}//@{pseudonymise(name, SECRET, platform='file')}:" for said, name in hops
    )
    assert out == expected + tail
    assert pseudonymise_handles(out, SECRET, platform="file") == (out, 0)  # idempotent


def test_mentions_end_at_a_space_or_punctuation_and_outlets_stay() -> None:
    out, count = pseudonymise_handles(
        "钟老点赞@衡水学院团委 @青岚发布，看@小林。", SECRET, keep=frozenset({"青岚发布"})
    )
    assert count == 2
    assert "@青岚发布，看@" in out and out.endswith("。")
    assert "衡水学院团委" not in out and "小林" not in out


def test_addresses_and_plain_text_are_left_alone() -> None:
    for text in ("写信给 a.b@example.com 吧", "没有任何账号", "100@1 是比分"):
        assert pseudonymise_handles(text, SECRET) == (text, 0)
    assert is_pseudonym(pseudonymise("江边的猫", SECRET))
    assert not is_pseudonym("江边的猫")
