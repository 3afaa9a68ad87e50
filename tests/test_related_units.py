"""Related updates as pure functions: quality on hand-made cases, the rules, and exactness
of the fast search against a brute-force reading of the same definition."""

import math
import random
from datetime import date

import pytest

from iwelcome.related import Config, Doc, check_pins, more_on, related_updates

DAY = date(2024, 1, 1).toordinal()


def doc(slug, kind="update", days_ago=0, tags=(), countries=(), pinned=()):
    keywords = tuple(("tags", t) for t in tags) + tuple(("countries", c) for c in countries)
    return Doc(slug, kind, DAY - days_ago, keywords, tuple(pinned))


def filler(n, tags=("asylum",)):
    """Generic asylum updates: the background a real site has."""
    return [doc(f"filler-{i:02d}", days_ago=10 + i, tags=tags) for i in range(n)]


def test_salvadoran_detention_story_beats_a_generic_asylum_update():
    docs = [
        doc("children-detained-el-salvador", tags=("children", "detention"), countries=("el-salvador",), days_ago=30),
        doc("salvadoran-families-in-detention", tags=("detention",), countries=("el-salvador",), days_ago=400),
        doc("asylum-backlog-grows", tags=("asylum", "children"), days_ago=1),
        doc("resettlement-quota", tags=("resettlement",), countries=("syria",), days_ago=2),
        *filler(8, tags=("asylum",)),
        *[
            doc(f"detention-elsewhere-{i}", tags=("detention",), countries=("mexico",), days_ago=50 + i)
            for i in range(3)
        ],
    ]
    result = related_updates(docs, Config(maximum=3))["children-detained-el-salvador"]
    assert result[0] == "salvadoran-families-in-detention", result


def test_a_rare_shared_topic_says_more_than_a_common_one():
    docs = [
        doc("a", tags=("common", "rare")),
        doc("shares-rare", tags=("rare",), days_ago=100),
        doc("shares-common", tags=("common",), days_ago=1),
        *[doc(f"c{i}", tags=("common",), days_ago=200 + i) for i in range(6)],
    ]
    assert related_updates(docs, Config(maximum=2))["a"][0] == "shares-rare"


def test_pins_come_first_in_order_and_count_toward_the_maximum():
    docs = [
        doc("a", tags=("x",), pinned=("p2", "a", "p1", "p2", "missing")),
        doc("p1"),
        doc("p2"),
        *[doc(f"x{i}", tags=("x",), days_ago=i + 1) for i in range(5)],
    ]
    assert related_updates(docs, Config(maximum=4))["a"] == ["p2", "p1", "x0", "x1"]
    assert related_updates(docs, Config(maximum=1))["a"] == ["p2"]


def test_never_itself_and_nothing_unrelated():
    docs = [doc("a", tags=("x",)), doc("b", tags=("x",)), doc("c", tags=("y",)), doc("d", tags=("y",))]
    result = related_updates(docs)
    assert result["a"] == ["b"] and result["c"] == ["d"]


def test_ties_break_by_newer_date_then_slug():
    docs = [
        doc("a", tags=("x",)),
        doc("old", tags=("x",), days_ago=9),
        doc("new-b", tags=("x",), days_ago=3),
        doc("new-a", tags=("x",), days_ago=3),
        doc("other", tags=("y",)),
        doc("other-2", tags=("y",)),
    ]
    assert related_updates(docs, Config(maximum=3))["a"] == ["new-a", "new-b", "old"]


def test_a_mix_of_types_when_candidates_allow():
    docs = [
        doc("a", tags=("x", "y")),
        *[doc(f"u{i}", tags=("x", "y"), days_ago=i + 1) for i in range(5)],
        doc("case", kind="case-study", tags=("y",), days_ago=300),
        doc("z", tags=("z",)),
        doc("z2", tags=("z",)),
    ]
    assert related_updates(docs, Config(maximum=4, max_same_type=3))["a"] == ["u0", "u1", "u2", "case"]
    assert related_updates(docs, Config(maximum=4, max_same_type=4))["a"] == ["u0", "u1", "u2", "u3"]
    only_updates = [d for d in docs if d.type == "update"]
    assert len(related_updates(only_updates, Config(maximum=4, max_same_type=3))["a"]) == 4, "no other type: still full"


def test_keywords_on_too_many_articles_are_dropped_then_used_only_to_fill():
    docs = [doc(f"d{i}", tags=("everywhere",), days_ago=i) for i in range(10)] + [
        doc("r1", tags=("everywhere", "rare"), days_ago=50),
        doc("r2", tags=("rare",), days_ago=60),
    ]
    result = related_updates(docs, Config(maximum=2, max_share=0.5, min_dropped=5))
    assert result["r1"][0] == "r2", "the rare topic decides"
    assert result["d3"] == ["d0", "d1"], "with only a dropped keyword, the newest sharing it fill in"


def test_the_same_content_gives_the_same_lists_in_any_order():
    docs = corpus_docs(300)
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    assert related_updates(docs) == related_updates(shuffled)


def corpus_docs(n):
    from benchmarks.corpus import SINGULAR, entries

    return [
        Doc(
            e["slug"],
            SINGULAR[e["folder"]],
            e["date"].toordinal(),
            tuple(("tags", t.lower()) for t in e["tags"]) + tuple(("countries", c.lower()) for c in e["countries"]),
        )
        for e in entries(n)
    ]


@pytest.mark.parametrize("n", [60, 400])
def test_fast_search_equals_brute_force(n):
    """Every article's list is exactly the top of a plain all-pairs scoring of the definition."""
    docs = corpus_docs(n)
    config = Config(maximum=4, max_same_type=4, max_keywords=8, min_dropped=10)
    ranked = sorted(docs, key=lambda d: (-d.day, d.slug))
    df = {}
    for d in docs:
        for kw in set(d.keywords):
            df[kw] = df.get(kw, 0) + 1
    weight = {
        kw: math.log(n / c) for kw, c in df.items() if c >= 2 and (c <= config.max_share * n or c < config.min_dropped)
    }
    newest = ranked[0].day

    def recency(d):
        return config.oldest_factor + (1 - config.oldest_factor) * 0.5 ** ((newest - d.day) / config.half_life_days)

    fast = related_updates(docs, config)
    for d in ranked:
        scored = []
        for r, other in enumerate(ranked):
            shared = set(d.keywords) & set(other.keywords) & set(weight)
            if other is not d and shared:
                scored.append((-sum(weight[kw] for kw in shared) * recency(other), r, other.slug))
        expected = [slug for _s, _r, slug in sorted(scored)[:4]]
        assert fast[d.slug][: len(expected)] == expected, d.slug


def test_unknown_pins_are_problems_and_none_is_allowed():
    assert check_pins("content/updates/a.md", ["none"], {"b"}) == []
    problems = check_pins("content/updates/a.md", ["b", "gone"], {"b"})
    assert [str(p) for p in problems] == [
        "content/updates/a.md: Related: 'gone' is not an article; write the file name of one (without .md), or 'none'"
    ]


def test_more_on_a_topic_ranks_what_its_articles_point_to_outside_it():
    related = {
        "detention-1": ["el-salvador-families", "detention-2", "asylum-news"],
        "detention-2": ["el-salvador-families", "detention-1"],
        "el-salvador-families": ["detention-1"],
        "asylum-news": ["old-asylum-news"],
    }
    members = {"detention": ["detention-1", "detention-2"], "asylum": ["asylum-news"], "lonely": ["orphan"]}
    order = {
        slug: i
        for i, slug in enumerate(
            ["asylum-news", "detention-2", "el-salvador-families", "detention-1", "old-asylum-news", "orphan"]
        )
    }
    result = more_on(related, members, order, maximum=4)
    # Two detention stories list the Salvadoran one first; one lists the asylum news third; the
    # topic's own articles never appear.
    assert result["detention"] == ["el-salvador-families", "asylum-news"]
    assert result["asylum"] == ["old-asylum-news"]
    assert result["lonely"] == []


def test_more_on_breaks_ties_by_newer_then_keeps_the_maximum():
    related = {"a": ["x", "y", "z"], "b": ["y", "x", "z"]}
    order = {"a": 0, "b": 1, "y": 2, "x": 3, "z": 4}
    assert more_on(related, {"t": ["a", "b"]}, order, maximum=3)["t"] == ["y", "x", "z"]
    assert more_on(related, {"t": ["a", "b"]}, order, maximum=2)["t"] == ["y", "x"]
