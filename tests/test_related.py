"""Related updates in the built site: beside every article, in rank order, with pins, 'none',
exclusions, determinism, and unknown slugs failing the build."""

import pytest
from bs4 import BeautifulSoup

from conftest import TYPE_FOLDERS, article, articles, assert_fails_with, url_of


def related(page):
    box = page.select_one("aside .related-updates")
    return [a["href"] for a in box.select("li a")] if box else None


@pytest.mark.parametrize("path", [p for f in TYPE_FOLDERS for p in articles(f)], ids=lambda p: p.name)
def test_every_article_shows_related_updates_with_type_and_date(site, path):
    page = site.page(url_of(path))
    links = related(page)
    assert links and len(links) <= 4 and url_of(path) not in links
    for item in page.select(".related-updates li"):
        meta = item.select_one(".related-meta").get_text(" ", strip=True)
        assert meta.split(" · ")[0] in {"Press release", "Update", "Case study"}
        assert item.select_one("time[datetime]")
        assert not item.find("script")


def test_sara_case_study_is_related_to_her_press_release(site):
    assert (
        related(site.page("/case-studies/sara-beltran-hernandez/"))[0]
        == "/press-releases/sara-beltran-hernandez-freed/"
    )


def read(build, url):
    return BeautifulSoup((build.output / url.strip("/") / "index.html").read_text(), "html.parser")


FIXTURE = {
    "updates/children-detained-el-salvador.md": article(
        Title="Children detained", Tags="Children, Detention", Countries="El Salvador", Date="2024-03-01"
    ),
    "case-studies/salvadoran-family.md": article(
        Title="A Salvadoran family",
        Tags="Detention",
        Countries="El Salvador",
        Date="2022-01-01",
        Person="Ana",
        Case_status="detained",
    ),
    "updates/asylum-backlog.md": article(Title="Asylum backlog", Tags="Asylum, Children", Date="2024-03-20"),
    "updates/pinned.md": article(
        Title="Pinned", Tags="Housing", Date="2020-01-01", Related="asylum-backlog, children-detained-el-salvador"
    ),
    "updates/hidden.md": article(Title="No sidebar", Tags="Housing", Related="none"),
    "updates/draft.md": article(Title="Draft", Tags="Detention", Countries="El Salvador", Status="draft"),
    "updates/future.md": article(Title="Embargoed", Tags="Detention", Countries="El Salvador", Date="2999-01-01"),
    **{
        f"updates/generic-{i}.md": article(Title=f"Generic {i}", Tags="Asylum", Date=f"2023-0{i}-01")
        for i in range(1, 5)
    },
}


def test_related_in_a_fixture_site(build_site):
    build = build_site(FIXTURE)
    assert build.returncode == 0, build.log
    first = related(read(build, "/updates/children-detained-el-salvador/"))
    assert first[0] == "/case-studies/salvadoran-family/", "the other Salvadoran detention story ranks first"
    assert "/updates/draft/" not in first and "/updates/future/" not in first
    assert related(read(build, "/updates/pinned/"))[:2] == [
        "/updates/asylum-backlog/",
        "/updates/children-detained-el-salvador/",
    ]
    assert related(read(build, "/updates/hidden/")) is None, "Related: none shows no sidebar"
    for url in ("/updates/draft/", "/updates/future/"):
        assert not (build.output / url.strip("/")).exists()


def test_related_is_deterministic_across_builds(build_site):
    first = build_site(FIXTURE)
    lists_1 = {
        p.relative_to(first.output): related(BeautifulSoup(p.read_text(), "html.parser"))
        for p in first.output.glob("updates/*/index.html")
    }
    second = build_site(FIXTURE)
    lists_2 = {
        p.relative_to(second.output): related(BeautifulSoup(p.read_text(), "html.parser"))
        for p in second.output.glob("updates/*/index.html")
    }
    assert lists_1 == lists_2 and len(lists_1) >= 6


def test_unknown_related_slug_fails_the_build(build_site):
    build = build_site({"updates/a.md": article(Related="no-such-story"), "updates/b.md": article()})
    assert_fails_with(build, r"^content/updates/a\.md:\d+: Related: 'no-such-story' is not an article")


def test_a_topic_page_shows_more_on_the_topic_from_outside_it(build_site):
    build = build_site(FIXTURE)
    assert build.returncode == 0, build.log
    page = read(build, "/topics/detention/")
    box = page.select_one(".more-on-topic .related-updates")
    assert box.select_one("h2").get_text(strip=True) == "More on Detention"
    listed = {a["href"] for a in page.select(".teasers a[href]")}
    more = [a["href"] for a in box.select("li a")]
    assert listed >= {"/updates/children-detained-el-salvador/", "/case-studies/salvadoran-family/"}
    # The Children-and-Detention story's related list points at the asylum backlog (Children);
    # nothing already listed, no draft, nothing embargoed.
    assert "/updates/asylum-backlog/" in more
    assert not listed & set(more)
    assert not {"/updates/draft/", "/updates/future/"} & set(more)
    assert len(more) <= 4


def test_more_on_a_topic_shows_on_its_first_page_only(build_site):
    build = build_site(FIXTURE, extra=["-e", "DEFAULT_PAGINATION=2"])
    assert build.returncode == 0, build.log
    assert read(build, "/topics/asylum/").select_one(".more-on-topic h2")
    later = read(build, "/topics/asylum/page/2/")
    assert later.select(".teasers article") or later.select(".teasers h2"), "the second page lists articles"
    assert not later.select_one(".more-on-topic")
