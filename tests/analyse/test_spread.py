"""Spread of an event: cascades from repost chains and copy links, curves, turning points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from yuqing.analyse.spread import (
    SpreadPost,
    analyse_spread,
    cascade,
    channel_curve,
    outlet_reach,
    turning_points,
)

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
RUMOUR = "今晚有飞机喷洒消毒药水，请关好门窗"


def post(n: int, text: str, author: str | None, minutes: int = 0, **kw: object) -> SpreadPost:
    fields: dict[str, object] = {"channel": "微博", "source": "微博导出", **kw}
    return SpreadPost(n, T0 + timedelta(minutes=minutes), text, author=author, **fields)  # type: ignore[arg-type]


def test_chains_and_copies_build_one_tree_whose_levels_count_accounts() -> None:
    posts = [
        post(1, RUMOUR, "甲"),
        post(2, f"转发//@甲:{RUMOUR}", "乙", 5),
        post(3, f"真的吗//@乙:转发//@甲:{RUMOUR}", "丙", 10),
        post(4, f"//@甲:{RUMOUR}", "丁", 11),
        post(5, RUMOUR + "！", "戊", 12, duplicate_of=1),
    ]
    tree = cascade(posts)
    assert (tree.posts, tree.reposts, tree.copies) == (5, 3, 1)
    # Level 1: 乙, 丁 (reposts) and 戊 (a copy); level 2: 丙 below 乙.
    assert tree.levels == (3, 1) and tree.depth == 2 and tree.breadth == 3
    biggest = tree.branches[0]
    assert (biggest.size, biggest.depth, biggest.comment) == (2, 2, "转发")
    assert biggest.first_at == T0 + timedelta(minutes=5)
    assert [b.size for b in tree.branches] == [2, 1, 1]


def test_a_chain_names_an_uncollected_reposter_as_a_node() -> None:
    # Only the second-level repost was collected; the chain still shows 乙 reposted.
    tree = cascade([post(1, RUMOUR, "甲"), post(3, f"真的吗//@乙:转发//@甲:{RUMOUR}", "丙", 9)])
    assert tree.levels == (1, 1) and tree.branches[0].size == 2


def test_the_account_key_joins_chain_names_to_stored_pseudonyms() -> None:
    def key(account: str, _: SpreadPost) -> str:
        return f"用户-{account}"

    posts = [post(1, RUMOUR, "用户-甲"), post(2, f"转发//@甲:{RUMOUR}", "用户-乙", 3)]
    joined = cascade(posts, key)
    assert (joined.origins, joined.levels) == (1, (1,))  # 甲 wrote the collected original
    apart = cascade(posts)
    assert apart.origins == 2  # without the key, the chain's 甲 looks like someone else


def test_branch_names_only_outlets_never_accounts() -> None:
    posts = [
        post(1, RUMOUR, "甲"),
        post(2, f"辟谣了//@甲:{RUMOUR}", "青岚日报", 3, outlet="青岚日报"),
    ]
    spread = analyse_spread(posts)
    assert spread.cascade.branches[0].outlet == "青岚日报"
    assert "甲" not in repr(spread.cascade.branches)


def test_turning_points_are_jumps_over_the_hours_before() -> None:
    hours = [1, 0, 1, 0, 1, 1, 9, 10, 2]
    posts = [
        post(h * 100 + i, f"第{h}小时第{i}条", f"u{h}{i}", minutes=h * 60 + i)
        for h, n in enumerate(hours)
        for i in range(n)
    ]
    points = turning_points(posts)
    assert [p.hour for p in points] == [T0 + timedelta(hours=6), T0 + timedelta(hours=7)]
    assert points[0].count == 9 and points[0].baseline == round(4 / 6, 2)
    assert points[0].post_id == 600 and points[0].snippet == "第6小时第0条"


def test_the_curve_has_every_hour_and_channels_largest_first() -> None:
    posts = [post(1, "a", "x", 0, channel="网站"), post(2, "b", "y", 125), post(3, "c", "z", 130)]
    curve = channel_curve(sorted(posts, key=lambda p: p.published_at))
    assert curve.channels == ("微博", "网站") and len(curve.hours) == 3
    assert curve.counts["微博"] == (0, 0, 2) and curve.counts["网站"] == (1, 0, 0)
    assert [h for h, _ in curve.busy_hours()] == [curve.hours[0], curve.hours[2]]


def test_outlets_rank_by_reach() -> None:
    posts = [
        post(1, "a", "日报", 0, outlet="日报", reach=10),
        post(2, "b", "电视台", 1, outlet="电视台", reach=50),
        post(3, "c", "日报", 2, outlet="日报", reach=5),
        post(4, "d", "用户-x", 3, reach=999),
    ]
    assert [(o.outlet, o.posts, o.reach) for o in outlet_reach(posts)] == [
        ("电视台", 1, 50),
        ("日报", 2, 15),
    ]


@given(st.lists(st.text(alphabet="转发//@甲乙丙:：原文 ", max_size=30), max_size=25))
def test_any_texts_give_a_consistent_tree(texts: list[str]) -> None:
    posts = [post(i, t, f"u{i % 4}", i) for i, t in enumerate(texts)]
    spread = analyse_spread(posts)
    tree = spread.cascade
    assert tree.posts == len(posts) and tree.reposts + tree.copies <= len(posts)
    assert tree.depth == len(tree.levels) and tree.breadth == max(tree.levels, default=0)
    assert sum(b.size for b in tree.branches) <= sum(tree.levels)
    assert spread.total == sum(sum(c) for c in spread.curve.counts.values())


def test_a_long_event_is_drawn_by_day() -> None:
    posts = [post(1, "a", "x", 0), post(2, "b", "y", 60 * 30), post(3, "c", "z", 60 * 120)]
    curve = channel_curve(posts)
    assert curve.step_hours == 24 and len(curve.hours) == 6
    assert curve.counts["微博"] == (1, 1, 0, 0, 0, 1)
