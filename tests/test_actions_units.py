"""Choosing, scheduling and checking calls to action: pure functions, no build."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import TYPES
from iwelcome.actions import (
    Action,
    as_of,
    check_actions,
    check_references,
    feed_entries,
    goal_ladder,
    hub_groups,
    parse_action,
    select_actions,
    share_links,
    tracked_url,
)

TODAY = date(2026, 11, 23)


def act(slug, **fields):
    values = {
        "path": f"content/actions/{slug}.md",
        "title": slug.title(),
        "kind": "letter",
        "button": "Go",
        "url": f"https://act.example/{slug}",
    }
    values.update(fields)
    return Action(slug=slug, **values)


def parse(**meta):
    values = {"title": "Free Sara", "kind": "petition", "button": "Sign", "url": "https://act.example/sara"}
    values.update(meta)
    values = {k: v for k, v in values.items() if v is not None}
    return parse_action(
        "free-sara",
        "content/actions/free-sara.md",
        values,
        "<p>Pitch</p>",
        file_exists=lambda path: path == "downloads/toolkit.pdf",
        content_types=TYPES,
    )


def messages(**meta):
    action, problems = parse(**meta)
    assert (action is None) == bool(problems)
    return [f"{p.field}: {p.message}" for p in problems]


# Parsing and checking -----------------------------------------------------------------------


def test_a_good_petition_parses():
    action, problems = parse(
        goal="25,000",
        signatures="18342",
        tags="Children, Detention",
        types="case-study",
        starts="2026-01-01",
        ends="2026-12-31",
        priority="-1",
        default="no",
    )
    assert problems == []
    assert (action.goal, action.signatures, action.priority, action.default) == (25000, 18342, -1, False)
    assert action.tags == ("Children", "Detention") and action.types == ("case-study",)
    assert (action.starts, action.ends) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    "meta, expected",
    [
        (
            {"kind": "petitoin"},
            "Kind: 'petitoin' is not a kind of action; "
            "write one of: petition, letter, call, donate, download, share, event, signup",
        ),
        ({"kind": None}, "Kind: missing; add one of: petition"),
        ({"button": None}, "Button: missing; add the button's label"),
        ({"title": ""}, "Title: missing; add the ask"),
        ({"url": None}, "Url: missing; add the https:// address"),
        (
            {"url": "http://act.example/sara"},
            "Url: 'http://act.example/sara' is not a web address starting with https://",
        ),
        ({"url": "javascript:alert(1)"}, "Url: 'javascript:alert(1)' is not a web address starting with https://"),
        ({"url": "https:///nohost"}, "Url: 'https:///nohost' is not a web address"),
        ({"kind": "download", "url": None}, "File: missing; add the path of the file"),
        (
            {"kind": "download", "url": None, "file": "downloads/nope.pdf"},
            "File: downloads/nope.pdf is not a file in content/images/ or content/downloads/",
        ),
        ({"starts": "2026-05-01", "ends": "2026-04-30"}, "Ends: 2026-04-30 is before Starts (2026-05-01)"),
        ({"ends": "next week"}, "Ends: 'next week' is not a date"),
        ({"goal": "lots"}, "Goal: 'lots' is not a whole number of at least 1"),
        ({"goal": "0"}, "Goal: '0' is not a whole number of at least 1"),
        ({"signatures": "-5"}, "Signatures: '-5' is not a whole number of at least 0"),
        ({"signatures": "1.5"}, "Signatures: '1.5' is not a whole number"),
        ({"priority": "high"}, "Priority: 'high' is not a whole number"),
        ({"default": "maybe"}, "Default: 'maybe' should be 'yes' or 'no'"),
        ({"outcome": "won"}, "Outcome: 'won' is not an outcome; write one of: live, victory, closed"),
        ({"types": "blog"}, "Types: 'blog' is not a type of article; write one of: press-release, update, case-study"),
        ({"kind": "letter", "goal": "100"}, "Goal: is not a field of a letter action; only petition actions have one"),
        ({"buton": "Sign"}, "Buton: is not a field of a petition action"),
    ],
)
def test_each_bad_field_is_one_clear_problem(meta, expected):
    found = messages(**meta)
    assert [m for m in found if m.startswith(expected)], found


def test_share_and_download_need_no_url():
    assert messages(kind="share", url=None) == []
    assert messages(kind="download", url=None, file="downloads/toolkit.pdf") == []


def test_followups_must_exist_and_there_is_one_default():
    problems = check_actions([act("a", followup="b"), act("b", followup="nope", default=True), act("c", default=True)])
    assert [str(p) for p in problems] == [
        "content/actions/b.md: Followup: 'nope' is not an action; "
        "write the file name of one in content/actions/ (without .md)",
        "content/actions/c.md: Default: content/actions/b.md is already the default action; only one can be",
    ]


def test_articles_must_name_existing_actions():
    problems = check_references("content/updates/x.md", ["a", "gone"], ["lost"], {"a"}, stray=1)
    assert [f"{p.field}: {p.message.split(';')[0]}" for p in problems] == [
        "Body: write each [action: slug] marker on a line of its own, with a blank line before and after",
        "Actions: 'gone' is not an action",
        "Body: [action: lost] names no action",
    ]


# Scheduling ---------------------------------------------------------------------------------


def test_state_follows_dates_and_outcome():
    actions = [
        act("ended-yesterday", ends=date(2026, 11, 22)),
        act("ends-today", ends=date(2026, 11, 23)),
        act("starts-tomorrow", starts=date(2026, 11, 24)),
        act("event-next-month", kind="event", starts=date(2026, 12, 20), ends=date(2026, 12, 20)),
        act("won", outcome="victory", ends=date(2030, 1, 1)),
        act("stopped", outcome="closed"),
        act("open"),
    ]
    assert {a.slug: a.state for a in as_of(actions, TODAY)} == {
        "ended-yesterday": "closed",
        "ends-today": "live",
        "starts-tomorrow": "scheduled",
        "event-next-month": "live",
        "won": "victory",
        "stopped": "closed",
        "open": "live",
    }


# Choosing -----------------------------------------------------------------------------------


def choose(named=(), tags=(), countries=(), kind="update", actions=(), maximum=2, inline=()):
    return [
        a.slug
        for a in select_actions(list(named), list(tags), list(countries), kind, as_of(actions, TODAY), maximum, inline)
    ]


def test_named_actions_come_first_in_their_order_and_count_toward_the_maximum():
    actions = [act("a", tags=("Detention",)), act("b"), act("c")]
    assert choose(named=["c", "b"], tags=["Detention"], actions=actions, maximum=3) == ["c", "b", "a"]
    assert choose(named=["c", "b", "a"], actions=actions, maximum=2) == ["c", "b"]


def test_targeted_actions_rank_by_matches_then_priority_then_newest_then_slug():
    actions = [
        act("one-match-high-priority", tags=("Detention",), priority=5),
        act("two-matches", tags=("Detention",), countries=("El Salvador",)),
        act("one-match-newer", types=("update",), starts=date(2026, 6, 1)),
        act("one-match-older", types=("update",), starts=date(2025, 6, 1)),
        act("b-tie", countries=("el salvador",)),
        act("a-tie", countries=("El  Salvador",)),
        act("no-match", tags=("Children",), priority=99),
    ]
    ranked = choose(tags=["Detention"], countries=["El Salvador"], actions=actions, maximum=10)
    assert ranked == ["two-matches", "one-match-high-priority", "one-match-newer", "one-match-older", "a-tie", "b-tie"]


def test_closed_actions_appear_only_when_named_and_bring_their_followup():
    actions = [
        act("won", outcome="victory", followup="next", tags=("Detention",)),
        act("next", tags=("Detention",)),
        act("old", ends=date(2020, 1, 1), tags=("Detention",)),
    ]
    assert choose(tags=["Detention"], actions=actions) == ["next"]
    assert choose(named=["won"], tags=["Detention"], actions=actions) == ["won"], "its follow-up is offered inside it"


def test_default_only_when_nothing_else_applies():
    actions = [act("toolkit", kind="download", default=True), act("kids", tags=("Children",))]
    assert choose(tags=["Asylum"], actions=actions) == ["toolkit"]
    assert choose(tags=["Children"], actions=actions) == ["kids"]


def test_scheduled_actions_never_show_and_inline_ones_are_not_repeated():
    actions = [
        act("soon", starts=date(2027, 1, 1), tags=("Asylum",)),
        act("here", tags=("Asylum",)),
        act("also", tags=("Asylum",)),
    ]
    assert choose(named=["soon"], tags=["Asylum"], actions=actions) == ["also", "here"]
    assert choose(tags=["Asylum"], actions=actions, inline=["here"]) == ["also"]


# Petition progress ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "goal, signatures, shown",
    [
        (25000, 18342, 25000),
        (25000, 25000, 50000),
        (10000, 12000, 25000),
        (1000, 999, 1000),
        (1000, 5000, 10000),
        (300, 300, 500),
        (7, 12, 25),
    ],
)
def test_goal_ladder(goal, signatures, shown):
    assert goal_ladder(goal, signatures) == shown


def test_progress_never_passes_100_percent():
    for signatures in (0, 1, 24999, 25000, 10**7):
        shown, percent = act("p", kind="petition", goal=25000, signatures=signatures).progress()
        assert shown > signatures or (signatures < 25000 and shown == 25000)
        assert 0 <= percent <= 100
    assert act("l").progress() is None


# Links ----------------------------------------------------------------------------------------


def test_tracked_url_keeps_the_urls_own_query_and_fragment():
    url = tracked_url("https://act.example/p?ref=mail&utm_source=old#sign", "free-sara", "sidebar")
    parts = urlsplit(url)
    assert parts.fragment == "sign" and parts.netloc == "act.example"
    assert parse_qs(parts.query) == {
        "ref": ["mail"],
        "utm_source": ["iwelcome"],
        "utm_medium": ["sidebar"],
        "utm_campaign": ["free-sara"],
    }


def test_links_by_kind():
    assert (
        act("t", kind="download", url="", file="downloads/t.pdf").link("home", "https://site")
        == "https://site/downloads/t.pdf"
    )
    assert act("l").link("hub", tracking=False) == "https://act.example/l"


def test_share_links_encode_url_and_title():
    links = dict(share_links("https://site/updates/a b/", "Kids & “borders”"))
    assert set(links) == {"Email", "WhatsApp", "Bluesky", "X", "Facebook"}
    assert links["Facebook"] == "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fsite%2Fupdates%2Fa%20b%2F"
    assert "Kids%20%26%20%E2%80%9Cborders%E2%80%9D" in links["X"]


# The hub and the feed ------------------------------------------------------------------------


def test_hub_groups_live_by_kind_and_lists_past_ones_newest_first():
    actions = as_of(
        [
            act("l2", priority=1),
            act("l1"),
            act("p", kind="petition"),
            act("won", outcome="victory", ends=date(2020, 1, 1)),
            act("ended", ends=date(2024, 1, 1)),
        ],
        TODAY,
    )
    groups, past = hub_groups(actions)
    assert [(kind, [a.slug for a in group]) for kind, group in groups] == [
        ("petition", ["p"]),
        ("letter", ["l2", "l1"]),
    ]
    assert [a.slug for a in past] == ["ended", "won"]


def test_feed_lists_live_actions_as_plain_data():
    actions = as_of(
        [
            act("l", title='Tell <span class="caps">DHS</span>', starts=date(2026, 1, 1)),
            act("won", outcome="victory"),
            act("share", kind="share", url=""),
        ],
        TODAY,
    )
    entries = feed_entries(actions, "https://site", "get-involved/{slug}/")
    assert [e["slug"] for e in entries] == ["l", "share"]
    assert entries[0] == {
        "slug": "l",
        "kind": "letter",
        "title": "Tell DHS",
        "url": "https://act.example/l",
        "page": "https://site/get-involved/l/",
        "button": "Go",
        "starts": "2026-01-01",
        "ends": None,
        "outcome": "live",
        "goal": None,
        "signatures": None,
    }
    assert entries[1]["url"] is None
