"""The real site, built once (see conftest.py), checked the way a reader gets it."""

import itertools
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import CONTENT, ROOT, TYPE_FOLDERS, article, articles, metadata, run_pelican, setting, url_of

ALL_ITEMS = [p for folder in [*TYPE_FOLDERS, "pages"] for p in articles(folder, translations=True)]


def test_there_is_enough_content():
    counts = {folder: len(articles(folder)) for folder in TYPE_FOLDERS}
    assert counts["press-releases"] >= 3 and counts["updates"] >= 4 and counts["case-studies"] >= 2, counts
    assert {"home", "about", "privacy", "toolkit"} <= {p.stem for p in articles("pages")}
    years = {metadata(p)["date"][:4] for folder in TYPE_FOLDERS for p in articles(folder)}
    assert len(years) >= 3, years


@pytest.mark.parametrize("path", ALL_ITEMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_item_has_its_page_at_its_url(site, path):
    page = site.page(url_of(path))
    title = metadata(path)["title"]
    h1s = page.find_all("h1")
    assert len(h1s) == 1
    if url_of(path) != "/":
        assert " ".join(h1s[0].get_text().split()) == " ".join(page.title.get_text().split(" · ")[0].split())
        assert _words(h1s[0].get_text()) == _words(title)


def _words(text):
    """Compare titles as words: typogrify changes quotes, dashes and spaces, not words."""
    return re.findall(r"[A-Za-z0-9]+", text)


@pytest.mark.parametrize("folder", TYPE_FOLDERS)
def test_type_listing_lists_every_item(site, folder):
    assert sorted(listed_items(site, f"/{folder}/")) == sorted(url_of(p) for p in articles(folder))


def listed_items(site, url):
    """The links of every teaser on a listing, following its pagination to the last page."""
    listed = []
    while url:
        page = site.page(url)
        listed += [a["href"] for a in page.select("main article.teaser h2 a, main article.teaser h3 a")]
        nxt = page.select_one('.pagination a[rel~="next"]')
        url = nxt["href"] if nxt else None
    return listed


@pytest.mark.parametrize("path", articles("press-releases", translations=True), ids=lambda p: p.name)
def test_press_release_has_dateline_end_mark_and_contact(site, path):
    page = site.page(url_of(path))
    meta = metadata(path)
    dateline = page.select_one("main .dateline")
    assert " ".join(dateline.get_text().split()).startswith(meta["location"].upper() + ",")
    assert dateline.find("time")["datetime"].startswith(meta["date"][:10])
    body_start = dateline.find_next_sibling()
    assert body_start is not None and body_start.name == "p", "the dateline leads into the first paragraph"
    assert page.select_one("main .end-mark").get_text(strip=True) == "###"
    contact = page.select_one("main .media-contact")
    expected_email = re.search(r"[\w.+-]+@[\w.-]+", meta.get("contact", "")) or re.search(
        r"[\w.+-]+@[\w.-]+", setting("MEDIA_CONTACT")
    )
    assert contact.select_one("a[href^='mailto:']")["href"] == f"mailto:{expected_email.group(0)}"
    assert contact.select_one("a[href^='tel:']")


@pytest.mark.parametrize("path", articles("case-studies", translations=True), ids=lambda p: p.name)
def test_case_study_shows_status_badge_and_country(site, path):
    page = site.page(url_of(path))
    meta = metadata(path)
    badge = page.select_one("main .case-status")
    assert badge["data-status"] == meta["case_status"]
    label = {"detained": "Detained", "at-risk": "At risk", "released": "Released", "resolved": "Resolved"}[
        meta["case_status"]
    ]
    if "lang" in meta:
        from babel.messages.pofile import read_po

        with open(ROOT / "theme/translations" / meta["lang"] / "LC_MESSAGES/messages.po", "rb") as po:
            label = read_po(po)[label].string
    assert badge.get_text(strip=True) == label
    country = meta["countries"].split(",")[0].strip()
    if "lang" in meta:  # the country's name in the page's language (terms.json), where it has one
        table = json.loads((ROOT / "theme/translations/terms.json").read_text(encoding="utf-8"))
        country = table.get(meta["lang"], {}).get("countries", {}).get(country, country)
    assert page.select_one("main .case-country").get_text(strip=True) == country
    assert meta["person"] in page.select_one("main .case-facts").get_text(" ", strip=True)


def test_topic_and_country_pages_list_their_items(site):
    by_topic, by_country = {}, {}
    for folder in TYPE_FOLDERS:
        for path in articles(folder):
            meta = metadata(path)
            for tag in filter(None, (t.strip() for t in meta.get("tags", "").split(","))):
                by_topic.setdefault(tag, set()).add(url_of(path))
            for country in filter(None, (c.strip() for c in meta.get("countries", "").split(","))):
                by_country.setdefault(country, set()).add(url_of(path))
    assert by_topic and by_country
    for section, groups in (("topics", by_topic), ("countries", by_country)):
        index = site.page(f"/{section}/")
        for name, urls in groups.items():
            link = index.find("a", string=re.compile(rf"^\s*{re.escape(name)}\s*$"))
            assert link is not None, f"{name} is missing from /{section}/"
            assert sorted(listed_items(site, link["href"])) == sorted(urls), name


def test_home_page_has_figures_demands_get_involved_and_latest(site):
    home = site.page("/")
    intro = home.select_one(".home-intro")
    assert len(intro.select("ul li strong")) >= 4, "the crisis in figures"
    assert len(intro.select("ol > li")) == 4, "the four demands"
    assert home.select_one(".get-involved a[href]")
    latest = [a["href"] for a in home.select("article.teaser h2 a, article.teaser h3 a")]
    items = sorted((p for folder in TYPE_FOLDERS for p in articles(folder)), key=lambda p: p.stem)
    newest_first = sorted(items, key=lambda p: metadata(p)["date"], reverse=True)  # same day: by slug
    assert latest and latest == [url_of(p) for p in newest_first[: len(latest)]]


def test_toolkit_is_a_real_download(site):
    link = site.page("/toolkit/").select_one("main a[href$='.pdf']")
    pdf = site.file(link["href"])
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.stat().st_size > 2000


def test_every_internal_link_and_asset_resolves(site):
    broken = []
    for path in site.html_files():
        page = site.page("/" + str(path.relative_to(site.output)))
        ids = {tag["id"] for tag in page.select("[id]")}
        for tag, attr in [("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src")]:
            for element in page.find_all(tag, attrs={attr: True}):
                target = element[attr]
                parts = urlsplit(target)
                if parts.scheme in ("mailto", "tel") or (parts.scheme and tag == "a"):
                    continue
                if target.startswith("#"):
                    if target[1:] not in ids:
                        broken.append(f"{path.relative_to(site.output)}: {target}")
                    continue
                assert not parts.scheme and not parts.netloc, f"{path}: {target} is loaded from another host"
                resolved = (Path(path).parent / unquote(parts.path)) if not parts.path.startswith("/") else None
                file = (
                    site.file(unquote(parts.path))
                    if resolved is None
                    else (resolved / "index.html" if parts.path.endswith("/") else resolved)
                )
                if not file.is_file():
                    broken.append(f"{path.relative_to(site.output)}: {target}")
    assert broken == []


def test_nothing_is_loaded_from_other_hosts(site):
    for path in site.html_files():
        html = path.read_text(encoding="utf-8")
        page = site.page("/" + str(path.relative_to(site.output)))
        for element in page.select("[src], link[href], [srcset], [poster], [data]"):
            for attr in ("src", "href", "srcset", "poster", "data"):
                value = element.get(attr, "")
                assert not re.match(r"(https?:)?//", value), f"{path}: {element}"
        assert not re.search(r"<(iframe|embed|object)\b", html)
        assert "@import" not in html and "fonts.googleapis" not in html


def test_typogrify_is_on_but_never_in_titles_or_meta(site):
    typographic = 0
    for path in site.html_files():
        raw = path.read_text(encoding="utf-8")
        head = raw.split("</head>")[0]
        assert "<span" not in re.search(r"<title>(.*?)</title>", head, re.S).group(1), path
        for content in re.findall(r'<meta [^>]*content="([^"]*)"', head):
            assert "<" not in content and "&lt;" not in content, (path, content)
        typographic += len(re.findall(r'class="caps"|&#8217;|’|&#8220;|“', raw.split("</head>")[1]))
    assert typographic > 0, "typogrify and smart quotes should show in the text"


def test_a_rebuild_from_the_content_cache_gives_the_same_bytes(site):
    """The session's build wrote its content cache; building again reads it back."""
    import filecmp

    again = site.output.parent / (site.output.name + "-again")
    build = run_pelican(CONTENT, again, extra=["--cache-path", f"{site.output}-cache"], search=True)
    assert build.returncode == 0, build.log

    def built(root):  # every file, the search index included
        return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())

    first, second = built(site.output), built(again)
    assert first == second
    _match, mismatch, errors = filecmp.cmpfiles(site.output, again, [str(p) for p in first], shallow=False)
    assert mismatch == [] and errors == []


def test_feed_titles_are_plain_text(published):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(published.output / "feeds/all.atom.xml").getroot()
    titles = [entry.find(f"{atom}title").text for entry in feed.iter(f"{atom}entry")]
    expected = [metadata(p)["title"] for folder in TYPE_FOLDERS for p in articles(folder, translations=True)]
    assert len(titles) == len(expected)
    for title in titles:
        assert "<" not in title and "&" not in title, title
    assert sorted(map(_words, titles)) == sorted(map(_words, expected))


def test_every_page_is_structured_for_assistive_technology(site):
    for path in site.html_files():
        page = site.page("/" + str(path.relative_to(site.output)))
        first = path.relative_to(site.output).parts[0]
        lang = first if first in setting("LANGUAGES") else setting("DEFAULT_LANG")
        assert page.html.get("lang") == lang, path
        assert page.html.get("dir") == ("rtl" if lang == "ar" else "ltr"), path
        assert len(page.find_all("h1")) == 1, path
        levels = [int(h.name[1]) for h in page.find_all(re.compile(r"^h[1-6]$"))]
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)
        first_link = page.find("a")
        assert first_link["href"] == "#main" and page.find(id="main").name == "main", path
        for tag in ("header", "nav", "main", "footer"):
            assert page.find(tag), (path, tag)
        for img in page.find_all("img"):
            assert img.get("alt") is not None, (path, img)
        scripts = [s for s in page.find_all("script") if s.get("type") != "application/ld+json"]
        if path.relative_to(site.output).parts[-2:-1] != ("search",):
            assert not scripts, f"{path} needs no JavaScript"


def test_archives_and_404(site):
    archive_links = {a["href"] for a in site.page("/archives/").select("main a")}
    for folder in TYPE_FOLDERS:
        for path in articles(folder):
            assert url_of(path) in archive_links
    not_found = site.page("/404.html")
    assert "find that page" in not_found.h1.get_text()
    assert not_found.select_one("main a[href='/']"), "it offers the way home"
    assert all(a["href"].startswith(("/", "#")) for a in not_found.find_all("a")), "404 is served at any depth"


def test_listings_paginate(build_site):
    files = {f"updates/item-{n:02}.md": article(Title=f"Item {n}", Date=f"2024-01-{n:02}") for n in range(1, 13)}
    build = build_site(files)
    assert build.returncode == 0, build.log
    from bs4 import BeautifulSoup

    first = BeautifulSoup((build.output / "updates/index.html").read_text(), "html.parser")
    second = BeautifulSoup((build.output / "updates/page/2/index.html").read_text(), "html.parser")
    assert first.select_one('.pagination a[rel~="next"]')["href"] == "/updates/page/2/"
    assert second.select_one('.pagination a[rel~="prev"]')["href"] == "/updates/"
    titles = [a.get_text().replace("\xa0", " ") for page in (first, second) for a in page.select("article.teaser h2 a")]
    assert titles == [f"Item {n}" for n in range(12, 0, -1)], "newest first, each once"


def test_drafts_and_embargoed_items_stay_out_of_the_site(build_site):
    build = build_site(
        {
            "updates/public.md": article(Title="Public"),
            "updates/draft.md": article(Title="Draft", Status="draft"),
            "updates/embargoed.md": article(Title="Embargoed", Date="2999-01-01"),
        }
    )
    assert build.returncode == 0, build.log
    listing = (build.output / "updates/index.html").read_text()
    assert "Public" in listing and "Draft" not in listing and "Embargoed" not in listing
    assert not (build.output / "updates/embargoed").exists() and not (build.output / "updates/draft").exists()


def test_preview_shows_drafts_and_embargoed_items_in_place_with_a_banner(build_site):
    build = build_site(
        {
            "updates/public.md": article(Title="Public"),
            "updates/draft.md": article(Title="Draft", Status="draft"),
            "updates/embargoed.md": article(Title="Embargoed", Date="2999-01-01"),
        },
        extra=["-e", "PREVIEW=true"],
    )
    assert build.returncode == 0, build.log
    from bs4 import BeautifulSoup

    listing = BeautifulSoup((build.output / "updates/index.html").read_text(), "html.parser")
    assert [a.get_text() for a in listing.select("article.teaser h2 a")] == ["Embargoed", "Draft", "Public"]
    banners = {}
    for slug in ("public", "draft", "embargoed"):
        page = BeautifulSoup((build.output / f"updates/{slug}/index.html").read_text(), "html.parser")
        banner = page.select_one(".preview-banner")
        banners[slug] = banner.get_text(" ", strip=True) if banner else None
    assert banners["public"] is None
    assert banners["draft"].startswith("Draft")
    assert banners["embargoed"].startswith("Embargoed") and "2999" in banners["embargoed"]


def test_metadata_is_text_not_html(build_site):
    build = build_site(
        {
            "case-studies/a.md": article(
                Title="<script>alert(1)</script> & “quotes”",
                Person="<b>Ana</b>",
                Countries="Honduras",
                Case_status="at-risk",
            ),
        }
    )
    assert build.returncode == 0, build.log
    from bs4 import BeautifulSoup

    page = BeautifulSoup((build.output / "case-studies/a/index.html").read_text(), "html.parser")
    assert [s["type"] for s in page.find_all("script")] == ["application/ld+json"] and page.find("b") is None
    assert "<script>alert(1)</script> &" in page.h1.get_text()
    assert "<b>Ana</b>" in page.select_one(".case-facts").get_text()
    assert "<script>alert(1)</script> &" in page.title.get_text()


# The period archives: grouped by the plugin (archives.py), as Pelican's own grouping would.
DATED = {
    f"{folder}/{name}.md": article(Title=title, Date=date, Tags=tags)
    for folder, name, title, date, tags in [
        ("updates", "spring-hearing", "Spring hearing", "2024-05-20", "Asylum"),
        ("updates", "may-ruling", "May ruling", "2024-05-03 09:00", "Asylum"),
        ("updates", "same-day", "Same day", "2024-05-03 09:00", "Detention"),
        ("press-releases", "winter-letter", "Winter letter", "2024-01-10", "Funding"),
        ("case-studies", "old-case", "Old case", "2023-05-02", "Detention"),
        ("updates", "new-year", "New year", "2023-12-31 23:59", "Asylum"),
    ]
}
DATED["case-studies/old-case.md"] = DATED["case-studies/old-case.md"].replace(
    "Tags:", "Person: Ana\nCountries: Honduras\nCase_status: released\nTags:"
)
DATED["press-releases/winter-letter.md"] = DATED["press-releases/winter-letter.md"].replace(
    "Tags:", "Location: Washington\nTags:"
)
EVERY_PERIOD = {
    "year": {"url": "archives/{date:%Y}/", "save_as": "archives/{date:%Y}/index.html"},
    "month": {"url": "archives/{date:%Y}/{date:%m}/", "save_as": "archives/{date:%Y}/{date:%m}/index.html"},
    "day": {
        "url": "archives/{date:%Y}/{date:%m}/{date:%d}/",
        "save_as": "archives/{date:%Y}/{date:%m}/{date:%d}/index.html",
    },
}


def test_a_year_archive_lists_that_years_articles_newest_first(build_site):
    build = build_site(DATED)
    assert build.returncode == 0, build.log
    from bs4 import BeautifulSoup

    def listed(path):
        page = BeautifulSoup((build.output / path).read_text(), "html.parser")
        return page.h1.get_text(), [a.get_text().replace("\xa0", " ") for a in page.select("main li a")]

    assert listed("archives/2024/index.html") == ("2024", ["Spring hearing", "May ruling", "Same day", "Winter letter"])
    assert listed("archives/2023/index.html") == ("2023", ["New year", "Old case"])
    index = BeautifulSoup((build.output / "archives/index.html").read_text(), "html.parser")
    assert {"/archives/2024/", "/archives/2023/"} <= {a["href"] for a in index.select("main a")}
    assert sorted(p.name for p in (build.output / "archives").iterdir()) == ["2023", "2024", "index.html"]


def test_period_archives_are_the_bytes_pelicans_own_grouping_writes(tmp_path):
    """Every period the plugin groups (year, month, day) against Pelican's own grouping of the
    same periods, with its YEAR_, MONTH_ and DAY_ARCHIVE settings: the same files, byte for byte."""
    content = tmp_path / "content"
    for name, text in DATED.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    ours = run_pelican(content, tmp_path / "ours", extra=["-e", f"PERIOD_ARCHIVES={json.dumps(EVERY_PERIOD)}"])
    pelicans = {
        f"{period.upper()}_ARCHIVE_{key.upper()}": value
        for period, v in EVERY_PERIOD.items()
        for key, value in v.items()
    }
    theirs = run_pelican(
        content,
        tmp_path / "theirs",
        extra=["-e", "PERIOD_ARCHIVES={}", *(f"{k}={json.dumps(v)}" for k, v in pelicans.items())],
    )
    assert ours.returncode == theirs.returncode == 0, ours.log + theirs.log

    def files(build):
        return {
            p.relative_to(build.output).as_posix(): p.read_bytes()
            for p in build.output.rglob("*")
            if p.is_file() and p.name != ".build-started"
        }

    mine, pelican = files(ours), files(theirs)
    assert "archives/2024/05/03/index.html" in mine and "archives/2023/12/index.html" in mine
    assert mine.keys() == pelican.keys()
    assert [name for name in mine if mine[name] != pelican[name]] == []
