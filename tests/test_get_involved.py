"""Calls to action in the built site: beside articles, inline, on the home page, the hub,
action pages and actions.json; and each kind of bad action file failing the build."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import CONTENT, TYPE_FOLDERS, action, article, articles, assert_fails_with, url_of

# The originals: a translation (in any language) says `Translation: true`.
ACTION_FILES = sorted(
    p
    for p in (CONTENT / "actions").glob("*.md")
    if not re.search(r"^Translation:\s*true\s*$", p.read_text(encoding="utf-8"), re.M | re.I)
)
MAX = 2  # GET_INVOLVED_MAX's default


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def blocks(page, selector=".get-involved"):
    return page.select(f"{selector} .action[data-action]")


@pytest.mark.parametrize("path", [p for f in TYPE_FOLDERS for p in articles(f)], ids=lambda p: p.name)
def test_every_article_has_a_get_involved_block(site, path):
    shown = blocks(site.page(url_of(path)), "aside .get-involved")
    assert 1 <= len(shown) <= MAX
    for block in shown:
        assert block["data-kind"] in {"petition", "letter", "call", "donate", "download", "share", "event", "signup"}
        assert block.select_one(".action-title").get_text(strip=True)


def test_saras_won_petition_shows_its_victory_and_offers_the_followup(site):
    page = site.page("/case-studies/sara-beltran-hernandez/")
    first = blocks(page, "aside .get-involved")[0]
    assert first["data-action"] == "free-sara-beltran-hernandez"
    assert "Victory!" in first.select_one(".action-outcome").get_text()
    assert "released six days after" in first.get_text()
    followup = first.select_one(".action-followup[data-action]")
    assert followup["data-action"] == "tell-dhs-stop-jailing-asylum-seekers"
    assert "free-sara" not in " ".join(a["href"] for a in first.find_all("a")), "no dead button to the closed petition"
    others = [b["data-action"] for b in blocks(page, "aside .get-involved")[1:]]
    assert "tell-dhs-stop-jailing-asylum-seekers" not in others, "the follow-up is not offered twice"


def test_inline_marker_becomes_an_action_block(site):
    page = site.page("/press-releases/sara-beltran-hernandez-freed/")
    inline = page.select(".article-body .action-inline .action[data-action]")
    assert [b["data-action"] for b in inline] == ["tell-dhs-stop-jailing-asylum-seekers"]
    assert "[action:" not in page.get_text()
    query = parse_qs(urlsplit(inline[0].select_one("a.button")["href"]).query)
    assert query == {
        "utm_source": ["iwelcome"],
        "utm_medium": ["inline"],
        "utm_campaign": ["tell-dhs-stop-jailing-asylum-seekers"],
    }
    sidebar = [b["data-action"] for b in blocks(page, "aside .get-involved")]
    assert "tell-dhs-stop-jailing-asylum-seekers" not in sidebar, "not repeated beside the text"


def test_home_page_get_involved_area(site):
    shown = blocks(site.page("/"))
    assert shown
    for block in shown:
        link = block.select_one("a.button")
        if link and block["data-kind"] not in ("download", "share"):
            assert parse_qs(urlsplit(link["href"]).query)["utm_medium"] == ["home"]


def hub_sections(site):
    hub = site.page("/get-involved/")
    live = {
        s.h2.get_text(strip=True): [b["data-action"] for b in s.select(".action[data-action]")]
        for s in hub.select(".hub-group")
    }
    past = [b["data-action"] for b in hub.select(".hub-past > ul > li > .action[data-action]")]
    return live, past


def test_hub_groups_live_actions_by_kind_and_lists_past_ones(site):
    live, past = hub_sections(site)
    assert "Petitions" in live and "Letters" in live and "Events" in live
    assert "free-sara-beltran-hernandez" in past, "won"
    assert "world-refugee-day-2017-teach-in" in past, "closed automatically: its Ends date has passed"
    live_slugs = [s for group in live.values() for s in group]
    assert not set(live_slugs) & set(past)
    assert sorted(live_slugs + past) == sorted(p.stem for p in ACTION_FILES)


def test_share_action_is_plain_links_to_share_the_page(site):
    block = site.page("/get-involved/share-the-campaign/").select_one('main .action[data-kind="share"]')
    links = {a.get_text(strip=True): a["href"] for a in block.select(".share-links a")}
    assert set(links) == {"Email", "WhatsApp", "Bluesky", "X", "Facebook"}
    assert links["Facebook"].endswith("u=%2Fget-involved%2Fshare-the-campaign%2F")
    assert not block.find(["script", "iframe", "img"])


def test_every_action_has_its_own_page(site):
    for path in ACTION_FILES:
        page = site.page(f"/get-involved/{path.stem}/")
        assert page.select_one(f'main .action[data-action="{path.stem}"]')
        assert page.h1.get_text(strip=True)


def test_actions_json_lists_the_live_actions_for_partners(site):
    data = json.loads(site.file("/get-involved/actions.json").read_text(encoding="utf-8"))
    live, _past = hub_sections(site)
    assert sorted(e["slug"] for e in data["actions"]) == sorted(s for group in live.values() for s in group)
    for entry in data["actions"]:
        assert set(entry) >= {
            "slug",
            "kind",
            "title",
            "url",
            "button",
            "starts",
            "ends",
            "outcome",
            "goal",
            "signatures",
        }
        assert entry["outcome"] == "live" and "<" not in entry["title"]
        assert entry["url"] is None if entry["kind"] == "share" else entry["url"].startswith(("https://", "/"))
        assert "utm_" not in (entry["url"] or "")
    petition = next(e for e in data["actions"] if e["slug"] == "protect-children-at-the-border")
    assert (petition["goal"], petition["signatures"]) == (25000, 18342)


def test_petition_progress_bar_is_accessible(site):
    block = site.page("/get-involved/").select_one('.action[data-action="protect-children-at-the-border"]')
    bar = block.select_one('[role="progressbar"]')
    assert (bar["aria-valuemin"], bar["aria-valuemax"], bar["aria-valuenow"]) == ("0", "25000", "18342")
    assert bar["aria-valuetext"] == "18,342 signed of 25,000"
    assert "18,342 signed of 25,000" in block.select_one(".petition-count").get_text()


# Fixture sites ------------------------------------------------------------------------------


def test_goal_ladder_and_schedule_in_a_build(build_site):
    build = build_site(
        {
            "actions/over-goal.md": action(Kind="petition", Goal="1000", Signatures="1200", Tags="Asylum"),
            "actions/ended.md": action(Ends="2001-01-01", Tags="Asylum"),
            "actions/not-yet.md": action(Starts="2999-01-01", Tags="Asylum"),
            "updates/a.md": article(Tags="Asylum"),
        }
    )
    assert build.returncode == 0, build.log
    page = soup(build.output / "updates/a/index.html")
    assert [b["data-action"] for b in blocks(page)] == ["over-goal"], "ended and not-yet actions stay out"
    bar = page.select_one('[role="progressbar"]')
    assert (bar["aria-valuemax"], bar["aria-valuenow"]) == ("2500", "1200")
    assert "passed our goal of 1,000" in page.select_one(".petition-ladder").get_text()
    hub = soup(build.output / "get-involved/index.html")
    assert [b["data-action"] for b in hub.select(".hub-past .action")] == ["ended"]
    assert not hub.select('[data-action="not-yet"]')


def test_default_action_when_nothing_matches_and_utm_can_be_turned_off(build_site):
    files = {
        "actions/toolkit.md": action(
            Kind="download", Url=None, File="downloads/kit.pdf", Default="yes", Button="Get the kit"
        ),
        "actions/kids.md": action(Tags="Children", Url="https://act.example/kids?ref=site"),
        "downloads/kit.pdf": b"%PDF-1.4\n%%EOF\n",
        "updates/a.md": article(Tags="Asylum"),
        "updates/b.md": article(Tags="Children"),
    }
    build = build_site(files)
    assert build.returncode == 0, build.log
    assert [b["data-action"] for b in blocks(soup(build.output / "updates/a/index.html"))] == ["toolkit"]
    link = soup(build.output / "updates/b/index.html").select_one('.action[data-action="kids"] a.button')["href"]
    assert parse_qs(urlsplit(link).query) == {
        "ref": ["site"],
        "utm_source": ["iwelcome"],
        "utm_medium": ["sidebar"],
        "utm_campaign": ["kids"],
    }

    build = build_site(files, extra=["-e", "ACTION_UTM=false"])
    assert build.returncode == 0, build.log
    link = soup(build.output / "updates/b/index.html").select_one('.action[data-action="kids"] a.button')["href"]
    assert link == "https://act.example/kids?ref=site"


def test_action_text_is_escaped(build_site):
    build = build_site(
        {
            "actions/x.md": action(
                Title="<script>alert(1)</script> Sign",
                Button="<b>Go</b>",
                Tags="Asylum",
                Url="https://act.example/?a=1&b=<2>",
            ),
            "updates/a.md": article(Tags="Asylum"),
        }
    )
    assert build.returncode == 0, build.log
    page = soup(build.output / "updates/a/index.html")
    block = page.select_one('.action[data-action="x"]')
    assert block.find("script") is None and block.find("b") is None
    assert "<script>alert(1)</script> Sign" in block.select_one(".action-title").get_text().replace("\xa0", " ")
    assert block.select_one("a.button").get_text() == "<b>Go</b>"


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"actions/x.md": action(Kind="rally")}, r"^content/actions/x\.md:2: Kind: 'rally' is not a kind of action"),
        ({"actions/x.md": action(Url=None)}, r"^content/actions/x\.md: Url: missing"),
        ({"actions/x.md": action(Button=None)}, r"^content/actions/x\.md: Button: missing"),
        ({"actions/x.md": action(Kind="download", Url=None)}, r"^content/actions/x\.md: File: missing"),
        (
            {"actions/x.md": action(Url="javascript:alert(1)")},
            r"^content/actions/x\.md:4: Url: 'javascript:alert\(1\)' is not a web address starting with https://",
        ),
        (
            {"actions/x.md": action(Url="http://act.example/")},
            r"^content/actions/x\.md:4: Url: 'http://act\.example/' is not a web address",
        ),
        (
            {"actions/x.md": action(Kind="download", Url=None, File="downloads/none.pdf")},
            r"^content/actions/x\.md:\d: File: downloads/none\.pdf is not a file in content/images/ "
            r"or content/downloads/",
        ),
        (
            {"actions/x.md": action(Starts="2026-05-02", Ends="2026-05-01")},
            r"^content/actions/x\.md:\d: Ends: 2026-05-01 is before Starts \(2026-05-02\)",
        ),
        ({"actions/x.md": action(Followup="nope")}, r"^content/actions/x\.md:\d: Followup: 'nope' is not an action"),
        (
            {"actions/x.md": action(), "updates/a.md": article(Actions="x, nope")},
            r"^content/updates/a\.md:\d: Actions: 'nope' is not an action",
        ),
        (
            {"actions/x.md": action(), "updates/a.md": article() + "\n[action: nope]\n"},
            r"^content/updates/a\.md:8: Body: \[action: nope\] names no action; write the file name of one in "
            r"content/actions/ \(without \.md\)$",
        ),
        (
            {"actions/x.md": action(Default="yes"), "actions/y.md": action(Default="yes")},
            r"^content/actions/y\.md:\d: Default: content/actions/x\.md is already the default action",
        ),
        (
            {"actions/x.md": action(Kind="petition", Goal="ten")},
            r"^content/actions/x\.md:\d: Goal: 'ten' is not a whole number",
        ),
        (
            {"actions/x.md": action(Kind="petition", Signatures="-3")},
            r"^content/actions/x\.md:\d: Signatures: '-3' is not a whole number of at least 0",
        ),
    ],
    ids=[
        "kind",
        "url",
        "button",
        "file",
        "javascript",
        "http",
        "file-missing",
        "ends-before-starts",
        "followup",
        "article-actions",
        "inline-marker",
        "two-defaults",
        "goal",
        "signatures",
    ],
)
def test_bad_action_input_fails_the_build(build_site, files, expected):
    assert_fails_with(build_site({"updates/ok.md": article(), **files}), expected)


def test_all_action_problems_are_reported_together(build_site):
    build = build_site(
        {
            "actions/x.md": action(Kind="rally", Url="javascript:void(0)"),
            "actions/y.md": action(Followup="gone"),
            "updates/a.md": article(Actions="missing"),
        }
    )
    lines = assert_fails_with(
        build, r"x\.md:\d: Kind:", r"x\.md:\d: Url:", r"y\.md:\d: Followup:", r"a\.md:\d: Actions:"
    )
    assert len(lines) == 4
