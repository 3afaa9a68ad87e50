"""What makes stories travel: feeds, share cards, structured data, share links, sitemap,
robots.txt, canonical links, translations (Spanish, Arabic) with hreflang, reading time."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from conftest import TYPE_FOLDERS, articles, metadata, setting, url_of

SITEURL = "https://iwelcome.example"  # publishconf.py's default
DEFAULT_LANG = setting("DEFAULT_LANG")
OTHER_LANGUAGES = [lang for lang in setting("LANGUAGES") if lang != DEFAULT_LANG]
# Each language by its own name, as its readers write it (the words, not Babel's).
OWN_NAMES = {"en": "English", "es": "Español", "ar": "العربية"}
RIGHT_TO_LEFT = {"ar"}
ORIGINALS = [p for folder in TYPE_FOLDERS for p in articles(folder)]
TRANSLATIONS = [p for folder in TYPE_FOLDERS for p in articles(folder, translations=True) if "lang" in metadata(p)]


def feed(published, name):
    parsed = feedparser.parse(published.file(f"/feeds/{name}").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_feed_of_everything_and_of_each_type(published):
    everything = feed(published, "all.atom.xml")
    assert sorted(e.link for e in everything.entries) == sorted(SITEURL + url_of(p) for p in ORIGINALS + TRANSLATIONS)
    for folder in TYPE_FOLDERS:
        entries = feed(published, f"{folder}.atom.xml").entries
        assert sorted(e.link for e in entries) == sorted(SITEURL + url_of(p) for p in articles(folder))


def test_feed_of_each_topic(published):
    for tag in ("Detention", "Children"):
        slug = tag.lower()
        expected = sorted(SITEURL + url_of(p) for p in ORIGINALS if tag in metadata(p)["tags"].split(", "))
        assert sorted(e.link for e in feed(published, f"topics/{slug}.atom.xml").entries) == expected


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_feed_of_each_language_linked_from_its_pages(published, lang):
    parsed = feed(published, f"all-{lang}.atom.xml")
    entries = parsed.entries
    assert parsed.feed.language == lang  # <feed xml:lang="ar">: readers show it in its language and direction
    assert "language" not in feed(published, "all.atom.xml").feed  # every language: it says none
    expected = [p for p in TRANSLATIONS if metadata(p)["lang"] == lang]
    assert expected and sorted(e.link for e in entries) == sorted(SITEURL + url_of(p) for p in expected)
    assert all(urlsplit(e.link).path.startswith(f"/{lang}/") for e in entries)
    for url in (f"/{lang}/", url_of(expected[0])):
        link = published.page(url).find("link", type="application/atom+xml")
        assert link["href"] == f"{SITEURL}/feeds/all-{lang}.atom.xml" and link["hreflang"] == lang, url
    assert published.page("/").find("link", type="application/atom+xml")["href"] == f"{SITEURL}/feeds/all.atom.xml"


def test_every_feed_names_the_campaign_as_its_author_and_no_entry_an_empty_author(published):
    # Atom asks every feed whose entries do not each name an author for one of its own (RFC 4287,
    # 4.1.1); an author whose name is empty is no author.
    feeds = sorted(published.file("/feeds").rglob("*.atom.xml"))
    assert len(feeds) > len(TYPE_FOLDERS)
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.bozo_exception)
        assert parsed.feed.author_detail.name == setting("SITENAME"), path
        assert parsed.entries, path
        for entry in parsed.entries:
            assert entry.get("author_detail", {}).get("name", "x").strip(), (path, entry.link)


def test_feed_titles_and_summaries_carry_no_typogrify_markup(published):
    for entry in feed(published, "all.atom.xml").entries:
        assert "<" not in entry.title and "&" not in entry.title
        assert 'class="caps"' not in entry.summary and "&nbsp;" not in entry.summary and "\xa0" not in entry.summary


def structured_data(page):
    blocks = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    assert len(blocks) <= 1
    return blocks[0] if blocks else None


@pytest.mark.parametrize("path", ORIGINALS + TRANSLATIONS, ids=lambda p: p.name)
def test_articles_have_share_cards_and_structured_data(published, path):
    page = published.page(url_of(path))
    meta = {m.get("property") or m.get("name"): m["content"] for m in page.find_all("meta") if m.get("content")}
    url = SITEURL + url_of(path)
    assert page.find("link", rel="canonical")["href"] == url
    assert meta["og:url"] == url and meta["og:type"] == "article"
    assert meta["og:title"].startswith(re.sub(r"\s+", " ", page.h1.get_text()).strip()[:20])
    assert meta["og:description"] and "<" not in meta["og:description"]
    assert meta["og:image"].startswith(SITEURL + "/") and published.file(urlsplit(meta["og:image"]).path).is_file()
    assert meta["twitter:card"] == "summary_large_image"
    data = structured_data(page)
    expected_type = "Article" if path.parent.name == "case-studies" else "NewsArticle"
    assert data["@context"] == "https://schema.org" and data["@type"] == expected_type
    for field in ("headline", "datePublished", "dateModified", "image", "author", "publisher", "url"):
        assert data[field], field
    assert data["url"] == url and data["datePublished"].startswith(metadata(path)["date"][:10])
    assert len(data["headline"]) <= 110


def test_home_page_says_who_we_are(published):
    page = published.page("/")
    data = structured_data(page)
    assert data["@type"] == "Organization" and data["name"] == "I WELCOME" and data["url"] == SITEURL + "/"
    meta = {m.get("property"): m["content"] for m in page.find_all("meta") if m.get("property")}
    assert meta["og:type"] == "website"
    # The production build fingerprints theme files: share.<hash of its bytes>.png
    assert re.fullmatch(re.escape(SITEURL) + r"/theme/img/share\.[0-9a-f]{10}\.png", meta["og:image"])
    assert published.file(urlsplit(meta["og:image"]).path).is_file()


def test_every_page_has_a_canonical_link(published):
    for path in published.html_files():
        page = published.page("/" + str(path.relative_to(published.output)))
        assert page.find("link", rel="canonical")["href"].startswith(SITEURL + "/"), path


@pytest.mark.parametrize("path", ORIGINALS[:3], ids=lambda p: p.name)
def test_share_links_are_plain_links_with_url_and_title(site, path):
    section = site.page(url_of(path)).select_one("main .share")
    links = {a.get_text(strip=True): a["href"] for a in section.select("a")}
    assert set(links) == {"Email", "WhatsApp", "Bluesky", "X", "Facebook"}
    title_word = metadata(path)["title"].split()[0]
    assert url_of(path) in parse_qs(urlsplit(links["Facebook"]).query)["u"][0]
    assert title_word in parse_qs(urlsplit(links["X"]).query)["text"][0]
    assert not section.find(["script", "iframe", "img"])


def test_sitemap_lists_every_public_page_and_each_is_a_built_file(published):
    text = published.file("/sitemap.xml").read_text()
    urls = re.findall(r"<loc>([^<]+)</loc>", text)
    assert len(urls) == len(set(urls)) and len(re.findall(r"<lastmod>\d{4}-\d\d-\d\d</lastmod>", text)) == len(urls)
    for url in urls:
        assert url.startswith(SITEURL + "/")
        assert published.file(urlsplit(url).path).is_file(), url
    for path in ORIGINALS + TRANSLATIONS:
        assert SITEURL + url_of(path) in urls
    assert not any("/drafts/" in u or u.endswith("404.html") for u in urls)
    robots = published.file("/robots.txt").read_text()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def alternates(page):
    return {link["hreflang"]: link["href"] for link in page.find_all("link", rel="alternate") if link.get("hreflang")}


@pytest.mark.parametrize(
    "path",
    TRANSLATIONS + [p for p in articles("pages", translations=True) if "lang" in metadata(p)],
    ids=lambda p: p.name,
)
def test_hreflang_pairs_point_at_each_other(site, path):
    lang = metadata(path)["lang"]
    page = site.page(url_of(path))
    links = alternates(page)
    assert links[lang] == url_of(path) and links["x-default"] == links[DEFAULT_LANG]
    assert set(links) <= {*setting("LANGUAGES"), "x-default"}
    for other_lang, other_url in links.items():  # every version links every version, itself included
        other = site.page(other_url)
        assert alternates(other) == links, other_url
        assert other.html["lang"] == (DEFAULT_LANG if other_lang == "x-default" else other_lang)
    assert page.html["dir"] == ("rtl" if lang in RIGHT_TO_LEFT else "ltr")
    # The switch offers every other version, each by its own name and in its own language.
    switch = {a["hreflang"]: (a["href"], a.get_text(strip=True), a["lang"]) for a in page.select(".lang-switch a")}
    assert switch == {
        other: (url, OWN_NAMES[other], other) for other, url in links.items() if other not in (lang, "x-default")
    }


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_home_and_hub_in_each_language(site, lang):
    for english in ("/", "/get-involved/"):
        page = site.page(f"/{lang}{english}")
        assert page.html["lang"] == lang
        everyone = {other: ("" if other == DEFAULT_LANG else f"/{other}") + english for other in setting("LANGUAGES")}
        assert alternates(page) == {**everyone, "x-default": english}
        assert page.select_one(f'.lang-switch a[hreflang="{DEFAULT_LANG}"]')["href"] == english


def test_spanish_home_and_hub(site):
    hub = site.page("/es/get-involved/")
    assert hub.h1.get_text(strip=True) == "Participa"
    sara = hub.select_one('.action[data-action="free-sara-beltran-hernandez"]')
    assert "¡Victoria!" in sara.get_text() and "Libertad para Sara" in sara.get_text()
    assert "Lo siguiente:" in sara.select_one(".action-followup").get_text()


def test_untranslated_pages_show_no_language_switch(site):
    for url in ("/updates/", "/toolkit/", "/press-releases/judge-blocks-deportation-of-four-families/"):
        page = site.page(url)
        assert alternates(page) == {} and page.select_one(".lang-switch") is None, url


def test_spanish_pages_speak_spanish(site):
    page = site.page("/es/case-studies/sara-beltran-hernandez/")
    text = page.get_text(" ")
    assert "Publicado el 10 de febrero de 2017" in " ".join(text.split())
    assert page.select_one(".related-title").get_text() == "Noticias relacionadas"
    assert page.select_one(".skip-link").get_text() == "Ir al contenido"


def test_arabic_pages_speak_arabic_right_to_left(site):
    page = site.page("/ar/case-studies/sara-beltran-hernandez/")
    assert (page.html["lang"], page.html["dir"]) == ("ar", "rtl")
    assert "نُشر في 10 فبراير 2017" in " ".join(page.select_one(".article-dates").get_text(" ").split())
    assert page.select_one(".related-title").get_text() == "أخبار ذات صلة"
    assert page.select_one(".skip-link").get_text() == "انتقل إلى المحتوى"
    assert page.select_one(".case-person bdi").get_text() == "Sara Beltran Hernandez"  # a Latin name, isolated
    # An item that has no Arabic version is shown in English, and says so.
    english = [a for a in page.select(".related-list a") if not a["href"].startswith("/ar/")]
    assert english and all((a["lang"], a["dir"], a["hreflang"]) == ("en", "ltr", "en") for a in english)
    hub = site.page("/ar/get-involved/")
    assert hub.h1.get_text(strip=True) == "شارِك معنا"
    children = hub.select_one('.action[data-action="protect-children-at-the-border"]')
    assert children.select_one(".petition-count").get_text() == "18,342 توقيعًا من أصل 25,000"  # 42: "many"
    assert "انتصرنا!" in hub.select_one('.action[data-action="free-sara-beltran-hernandez"]').get_text()
    # Numbers and dates in the digits 0-9 (the latn numbering system), never Arabic-Indic ones.
    for url in ("/ar/", "/ar/get-involved/", "/ar/case-studies/ghina-ahmad-wadi/"):
        assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", site.page(url).get_text()), url
    # The menu and the footer lead to the Arabic About and Privacy pages.
    assert site.page("/ar/").select_one(".main-nav a[href='/ar/about/']")
    assert {a["href"] for a in site.page("/ar/privacy/").select(".footer-nav a")} >= {"/ar/about/", "/ar/privacy/"}


def test_arabic_share_cards_and_structured_data(published):
    page = published.page("/ar/updates/ghina-ahmad-wadi-evacuated-to-damascus/")
    meta = {m.get("property") or m.get("name"): m["content"] for m in page.find_all("meta") if m.get("content")}
    assert meta["og:locale"] == "ar" and meta["og:title"].startswith("نقل غنى أحمد وادي إلى دمشق")
    assert meta["og:description"].startswith("غنى، ابنة العاشرة")
    data = structured_data(page)
    assert data["inLanguage"] == "ar" and data["headline"].startswith("نقل غنى أحمد وادي")
    assert data["keywords"] == "الأطفال, الرعاية الصحية"


def test_reading_time_and_updated_date(site):
    page = site.page("/case-studies/sara-beltran-hernandez/")
    assert re.fullmatch(r"\d+ min read", page.select_one(".reading-time").get_text())
    assert page.select_one(".updated time")["datetime"].startswith("2017-03-08")
    assert "Updated March 8, 2017" in " ".join(page.select_one(".article-dates").get_text(" ").split())
