"""The plugin's pure functions, on plain data, without a Pelican build."""

import itertools
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from conftest import LISTS, TYPES
from iwelcome.archives import PERIOD_OF, entry, periods
from iwelcome.articles import Contact, article_facts, parse_contact
from iwelcome.confinement import linked_folders, scan
from iwelcome.edited_page import inside, what_else_changed
from iwelcome.markup import text_of
from iwelcome.navigation import feed_urls, language_of_feed, name_feed_author, page_urls
from iwelcome.scaffold import translation
from iwelcome.validation import Item, Rules, is_blank, spelling_warnings, split_list, validate


def slugify(text):
    return "-".join(text.lower().split())


def item(path="content/updates/a.md", kind="article", folder="updates", slug=None, url=None, **meta):
    base = {"title": "A", "date": datetime(2024, 3, 15), "summary": "<p>S</p>", "tags": ["Asylum"]}
    base.update(meta)
    slug = slug or Path(path).stem
    return Item(
        path, kind, folder, slug, url or f"{folder}/{slug}/index.html", {k: v for k, v in base.items() if v is not None}
    )


def check(*items, files=()):
    rules = Rules(TYPES, LISTS, file_exists=lambda path: path in files, slugify=slugify, languages=("en", "es"))
    return [str(p) for p in validate(list(items), rules)]


def test_a_good_article_has_no_problem():
    assert check(item(image="images/a.jpg", image_alt="A court", countries="El Salvador"), files={"images/a.jpg"}) == []


def test_html_that_shows_nothing_counts_as_empty():
    assert check(item(summary="<p> &nbsp;</p>")) == [
        f"content/updates/a.md: Summary: is empty; add {TYPES['updates'].fields['summary'].about}"
    ]


def test_missing_and_unreadable_fields_are_told_apart():
    problems = check(item(_missing=["title"], title="", _unreadable={"date": "2024-02-30"}))
    assert problems == [
        "content/updates/a.md: Date: '2024-02-30' is not a date; "
        "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM, for example 2024-03-15",
        f"content/updates/a.md: Title: missing; add {TYPES['updates'].fields['title'].hint()}",
    ]


def test_problems_come_sorted_by_file_then_field():
    problems = check(item("content/updates/b.md", tags=None), item("content/updates/a.md", summary=None, title=""))
    assert [p.split(": ")[:2] for p in problems] == [
        ["content/updates/a.md", "Summary"],
        ["content/updates/a.md", "Title"],
        ["content/updates/b.md", "Tags"],
    ]


def test_same_slug_in_another_language_is_a_translation_not_a_duplicate():
    english = item("content/updates/a.md")
    spanish = item("content/updates/a-es.md", slug="a", url="es/updates/a/index.html", lang="es", translation="true")
    spanish.meta["slug"] = "a"
    spanish.lang = "es"
    assert check(english, spanish) == []


def test_same_slug_twice_names_both_files():
    problems = check(
        item("content/updates/a.md"),
        item("content/press-releases/a.md", folder="press-releases", location="Washington"),
    )
    assert len(problems) == 2
    assert all("Slug: 'a' is" in p for p in problems)


def test_of_two_files_with_one_slug_the_one_whose_slug_line_made_it_is_told_to_change_in_any_order():
    by_name = item("content/updates/b.md", slug="b")
    by_line = item("content/updates/a.md", slug="b")
    by_line.meta["slug"] = "b"
    for order in ((by_name, by_line), (by_line, by_name)):
        assert check(*order) == [
            "content/updates/a.md: Slug: 'b' is already used by content/updates/b.md; "
            "rename this file or add a different 'Slug:' line",
            "content/updates/b.md: Slug: 'b' is also used by content/updates/a.md; every article needs its own slug",
        ]


@given(st.permutations(["a", "b", "c", "d"]), st.lists(st.booleans(), min_size=4, max_size=4))
def test_files_sharing_a_slug_are_named_the_same_whatever_order_pelican_read_them_in(names, lines):
    def items(order):
        made = []
        for name in order:
            shared = item(f"content/updates/{name}.md", slug="same")
            if lines["abcd".index(name)]:
                shared.meta["slug"] = "same"
            made.append(shared)
        return made

    problems = check(*items(names))
    assert problems == check(*items(sorted(names)))
    assert len(problems) == 6  # the first keeps it; each of the three others, and the first, are told


def test_spelling_kept_is_the_one_most_files_use():
    items = [
        item("content/updates/a.md", tags=["detention"]),
        item("content/updates/b.md", tags=["Detention"]),
        item("content/updates/c.md", tags=["Detention", "Asylum"]),
    ]
    rules = Rules(TYPES, LISTS, file_exists=lambda path: False, slugify=slugify, languages=("en", "es"))
    assert check(*items) == []  # capitals alone never stop the build
    assert [str(p) for p in spelling_warnings(items, rules)] == [
        "content/updates/a.md: Tags: 'detention' is shown as 'Detention', the spelling of content/updates/b.md "
        "and 1 other file; write 'Detention' (one topic, one spelling)"
    ]


def test_pages_need_only_a_title():
    assert check(Item("content/pages/about.md", "page", "pages", "about", "about/index.html", {"title": "About"})) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Ana Ruiz, press@iwelcome.example, +1 212 555 0199",
            Contact("Ana Ruiz", "press@iwelcome.example", "+1 212 555 0199"),
        ),
        ("+1 (212) 555-0199, Media team, I WELCOME", Contact("Media team, I WELCOME", "", "+1 (212) 555-0199")),
        ("press@iwelcome.example", Contact("", "press@iwelcome.example", "")),
    ],
)
def test_parse_contact(text, expected):
    assert parse_contact(text) == expected


def test_contact_phone_link_keeps_only_digits_and_plus():
    assert Contact("A", phone="+1 (212) 555-0199").tel == "tel:+12125550199"


def test_press_release_without_contact_gets_the_site_default():
    facts = article_facts(
        TYPES["press-releases"],
        {"location": "Washington"},
        LISTS,
        {"MEDIA_CONTACT": "Media team, media@iwelcome.example"},
    )
    assert facts["media_contact"] == Contact("Media team", "media@iwelcome.example", "")
    assert (facts["type"], facts["type_label"], facts["template"]) == (
        "press-release",
        "Press release",
        "press-release",
    )


def test_case_study_facts():
    facts = article_facts(
        TYPES["case-studies"], {"case_status": " at-risk ", "countries": "Honduras, Mexico"}, LISTS, {}
    )
    assert (facts["case_status"], facts["case_status_label"]) == ("at-risk", "At risk")
    assert facts["country_names"] == ["Honduras", "Mexico"]


def test_split_list():
    assert split_list("a, b,, c ,") == ["a", "b", "c"]
    assert split_list(None) == []


# --- navigation.py: where a page's translations and each language's feed are -----------------------


def test_a_page_leads_to_its_published_translations_only():
    pages = [
        ("en", "about/", "published", [("ar", "ar/about/", "published"), ("es", "es/about/", "draft")]),
        ("en", "toolkit/", "published", []),
        ("ar", "ar/x/", "published", [("en", "x/", "published")]),  # keyed by the default language's page
        ("en", "old/", "hidden", [("ar", "ar/old/", "published")]),
    ]
    assert page_urls(pages, "en") == {
        "about/": {"en": "about/", "ar": "ar/about/"},
        "toolkit/": {"en": "toolkit/"},
    }


def test_each_language_with_articles_has_its_feed():
    assert feed_urls("feeds/all.atom.xml", "feeds/all-{lang}.atom.xml", {"en", "es", "ar"}, "en") == {
        "en": "feeds/all.atom.xml",
        "ar": "feeds/all-ar.atom.xml",
        "es": "feeds/all-es.atom.xml",
    }
    assert feed_urls("feeds/all.atom.xml", None, {"en", "ar"}, "en") == {"en": "feeds/all.atom.xml"}
    assert feed_urls(None, None, {"en", "ar"}, "en") == {}  # a build without feeds links none
    feeds = {"en": "feeds/all.atom.xml", "ar": "feeds/all-ar.atom.xml"}
    assert language_of_feed("https://x.example/feeds/all-ar.atom.xml", feeds, "en") == "ar"
    assert language_of_feed("https://x.example/feeds/all.atom.xml", feeds, "en") is None  # every language
    assert language_of_feed("https://x.example/feeds/topics/asylum.atom.xml", feeds, "en") is None


def test_a_feed_names_the_campaign_and_an_entry_only_an_author_it_has():
    from feedgenerator import Atom1Feed

    feed = Atom1Feed(title="t", link="https://x.example/", description="")
    for author in ("", "  ", "Jane Doe"):
        feed.add_item(title="a", link="https://x.example/a/", description="", author_name=author)
    name_feed_author({"SITENAME": "I WELCOME"}, feed)
    assert feed.feed["author_name"] == "I WELCOME"
    assert [entry["author_name"] for entry in feed.items] == [None, None, "Jane Doe"]
    feed.feed["author_name"] = "Someone"  # a feed that names its author keeps it
    name_feed_author({"SITENAME": "I WELCOME"}, feed)
    assert feed.feed["author_name"] == "Someone"


# --- scaffold.translation: a translation's file from its original --------------------------------

ORIGINAL = """Title: Judge halts deportations
Date: 2024-03-15
Summary: A judge paused four deportations.
Tags: Asylum
Location: Washington

The body.

More of it.
"""


def test_a_translation_keeps_the_fields_and_leaves_a_hint_in_those_it_writes():
    path, text = translation(
        "press-releases/judge.md", ORIGINAL, "ar", "Arabic", {"title", "summary", "location"}, ["en", "es", "ar"], "en"
    )
    assert path == "press-releases/judge-ar.md"
    assert text == (
        "Title: TODO: in Arabic: Judge halts deportations\nSlug: judge\nLang: ar\nTranslation: true\n"
        "Date: 2024-03-15\nSummary: TODO: in Arabic: A judge paused four deportations.\nTags: Asylum\n"
        "Location: TODO: in Arabic: Washington\n\n"
        "TODO: write the text in Arabic, from the original's below, then delete this line.\n\n"
        "The body.\n\nMore of it.\n"
    )


def test_a_translation_of_an_action_has_its_words_alone_and_a_home_page_its_own_address():
    action_text = "Title: Act\nKind: letter\nButton: Write\nUrl: https://a.example/\nSlug: act-now\n\nPitch.\n"
    _path, text = translation(
        "actions/act.md", action_text, "es", "Spanish", {"title", "button"}, ["en", "es"], "en", True
    )
    assert text.split("\n\n")[0].splitlines() == [
        "Title: TODO: in Spanish: Act",
        "Slug: act-now",  # the original's own Slug, not its file name
        "Lang: es",
        "Translation: true",
        "Button: TODO: in Spanish: Write",
    ]
    home = "Title: I WELCOME\nTemplate: home\nSave_as: index.html\nURL:\n\nText.\n"
    _path, text = translation("pages/home.md", home, "ar", "Arabic", {"title"}, ["en", "ar"], "en")
    assert "Save_as: ar/index.html\nURL: ar/\n" in text


@pytest.mark.parametrize(
    "original, lang, message",
    [
        (ORIGINAL, "fr", "'fr' is not one of the site's other languages (es, ar)"),
        (ORIGINAL, "en", "'en' is not one of the site's other languages"),
        (ORIGINAL.replace("Tags:", "Lang: es\nTags:"), "ar", "is itself a translation"),
        ("Just some text.\n", "ar", "has no Title"),
    ],
)
def test_a_translation_is_refused_where_it_cannot_be_made(original, lang, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        translation("updates/x.md", original, lang, "Language", {"title"}, ["en", "es", "ar"], "en")


@given(
    st.text(
        alphabet=st.sampled_from(
            [" ", "\u00a0", "\t", "\n", "a", "<", ">", "p", "/", "&", "#", ";", "x", "n", "b", "s"]
        )
    )
)
def test_a_field_is_blank_when_the_text_it_shows_is_blank(value):
    """The quick answer for text without markup is the one the markup's text gives."""
    assert is_blank(value) == (not text_of(value).strip())


@pytest.mark.parametrize(
    ("cache_path", "root"),
    [
        ("cache/v-0123456789ab", "cache"),
        ("cache", "cache"),
        ("/tmp/v-cache", "/tmp/v-cache"),
        ("c/v-0123456789ab/", "c"),
    ],
)
def test_the_cache_root_is_the_folder_above_a_versions_own(cache_path, root):
    from iwelcome.reading import cache_root

    assert cache_root({"CACHE_PATH": cache_path}) == root


def test_an_edit_is_to_the_text_and_title_alone_when_fields_address_summary_and_site_links_are_as_they_were():
    def item(body, summary="A judge paused four deportations.", slug="a", **metadata):
        fields = {"title": "Families win", "tags": "Asylum", **metadata}
        address = {"slug": slug, "url": f"updates/{slug}/", "save_as": f"updates/{slug}/index.html"}
        return SimpleNamespace(metadata=fields, summary=summary, get_content=lambda siteurl: body, **address)

    before = item('<p>Text with <a href="/updates/b/">a link</a>.</p>')
    assert what_else_changed(before, item('<p>New text, <a href="/updates/b/">same link</a>.</p>'), "") is None
    outside = item('<p>New text, <a href="https://example.org/">another host</a> <a href="/updates/b/">b</a>.</p>')
    assert what_else_changed(before, outside, "") is None  # a link off the site changes no other page
    assert what_else_changed(before, item(before.get_content(""), title="New"), "") is None  # only shown
    assert what_else_changed(before, item("<p>x</p>", title="New", tags="Detention"), "") == (
        "its fields changed (Tags, Title)"
    )
    assert what_else_changed(before, item(before.get_content(""), title="New", slug="new"), "") == (
        "its address changed"  # SLUGIFY_SOURCE = "title" makes the address of a file without Slug from its title
    )
    assert what_else_changed(before, item("<p>x</p>", _markup=[("dropped", "<script>")]), "") == (
        "what its text holds changed (dropped markup, [action: ...] lines, reading time)"
    )
    assert what_else_changed(before, item(before.get_content(""), summary="Another."), "") == "its summary changed"
    new_link = item('<p>Text with <a href="/updates/b/">a link</a> and <img src="/images/a.jpg" alt="">.</p>')
    assert what_else_changed(before, new_link, "") == "its links to the site's pages or files changed"
    assert what_else_changed(before, item("<p>Text, the link taken away.</p>"), "") == (
        "its links to the site's pages or files changed"
    )


def test_the_fields_the_build_only_shows_are_named_when_their_value_changed():
    from iwelcome.edited_page import shown_changes

    def item(**metadata):
        return SimpleNamespace(metadata=metadata)

    before = item(title="Families win", tags="Asylum")
    again = "Families win, again"
    assert shown_changes(before, item(title=again, tags="Detention")) == ("title",)
    assert shown_changes(before, item(title="Families win", tags="Detention")) == ()
    pictured = item(title="Families win", tags="Asylum", image_alt="The court house")
    assert shown_changes(pictured, item(title="Win", tags="Asylum", image_alt="Four families")) == (
        "image_alt",
        "title",
    )
    assert shown_changes(before, item(tags="Asylum")) == ()  # taken away: the build says whether it may be
    assert shown_changes(item(tags="Asylum"), before) == ()  # added


def listed(*titles, order_by="basename", translation_id="slug"):
    """A page generator's state, its pages in the order Pelican gave them: (generator, pages)."""
    pages = [
        SimpleNamespace(title=title, slug=f"p{n}", source_path=f"/c/pages/p{n}.md", metadata={"title": title})
        for n, title in enumerate(titles)
    ]
    settings = {"PAGE_ORDER_BY": order_by, "PAGE_TRANSLATION_ID": translation_id}
    return SimpleNamespace(settings=settings, pages=pages, hidden_pages=[], draft_pages=[]), pages


def test_a_new_title_is_shown_by_the_builds_item_while_the_page_renders_then_taken_back():
    from iwelcome.edited_page import showing

    _generator, [page] = listed("Old")
    _generator, [edited] = listed("New")
    with showing(page, edited, ("title",)):
        assert (page.title, page.metadata["title"]) == ("New", "New")
    assert (page.title, page.metadata["title"]) == ("Old", "Old")
    with pytest.raises(RuntimeError), showing(page, edited, ("title",)):
        raise RuntimeError("a render that fails")
    assert (page.title, page.metadata["title"]) == ("Old", "Old")


@pytest.mark.parametrize(
    ("order_by", "translation_id", "formatted", "new_title", "why"),
    [
        ("basename", "slug", ["summary"], "Zebra", None),  # by file name: a title moves nothing
        ("title", "slug", ["summary"], "Beta two", None),  # by title, still between Alpha and Gamma
        ("title", "slug", ["summary"], "Zebra", "its place in the lists changed"),
        ("reversed-title", "slug", [], "Aardvark", "its place in the lists changed"),
        ("basename", ["title", "lang"], [], "Beta two", "its translations are found by a field that changed"),
        ("basename", None, [], "Zebra", None),  # no translations at all
        (
            "basename",
            "slug",
            ["summary", "Title"],
            "Zebra",
            "Pelican works out the links in a field that changed (FORMATTED_FIELDS)",
        ),
    ],
)
def test_a_title_that_pelican_would_treat_otherwise_is_left_to_the_build(
    order_by, translation_id, formatted, new_title, why
):
    from iwelcome.edited_page import showing, treated_otherwise

    generator, pages = listed("Alpha", "Beta", "Gamma", order_by=order_by, translation_id=translation_id)
    generator.settings["FORMATTED_FIELDS"] = formatted
    if order_by.startswith("reversed-"):
        generator.pages.reverse()
    _generator, [edited] = listed(new_title)
    with showing(pages[1], edited, ("title",)):
        assert treated_otherwise(generator, pages[1], ("title",)) == why


@pytest.mark.parametrize(
    ("keys", "said"),
    [
        (["title"], "its fields changed (Title)"),
        (["case_status", "tags"], "its fields changed (Case_status, Tags)"),
        (
            ["_missing", "_unreadable", "date", "title", "x-old-date"],
            "its fields changed (Date, Title, X-old-date); the build will say what is wrong in it",
        ),
        (
            ["reading_minutes", "summary", "typeset_summary"],
            "its fields changed (Summary); what its text holds changed (dropped markup, [action: ...] lines, "
            "reading time)",
        ),
        (["_written"], "its fields changed"),
    ],
)
def test_the_preview_says_what_changed_beyond_the_text_in_the_editors_words(keys, said):
    from iwelcome.edited_page import changed_fields
    from iwelcome.validation import INTERNAL_FIELDS

    assert changed_fields(keys) == said
    assert not [key for key in INTERNAL_FIELDS if key in said.split()]  # no key of the reader's own is named


def test_the_reader_s_own_keys_that_the_preview_puts_in_words_are_all_internal():
    from iwelcome.edited_page import FOUND_IN_TEXT, PROBLEM_FIELDS
    from iwelcome.validation import INTERNAL_FIELDS

    assert PROBLEM_FIELDS | FOUND_IN_TEXT <= INTERNAL_FIELDS
    assert not PROBLEM_FIELDS & FOUND_IN_TEXT


# --- edited_page.inside: where the preview may write a page -------------------------------------


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("updates/a/index.html", "updates/a/index.html"),
        ("index.html", "index.html"),
        ("updates/../index.html", "index.html"),
        ("../outside.html", None),
        ("updates/../../outside.html", None),
        ("/etc/passwd", None),
        ("", None),
        (".", None),
    ],
)
def test_a_page_is_written_only_inside_the_output_folder(tmp_path, name, where):
    output = tmp_path / "output"
    assert inside(str(output), name) == (None if where is None else str(output / where))


@given(st.lists(st.sampled_from(["..", ".", "a", "b", "/", "index.html", "\\"]), max_size=8))
def test_whatever_a_page_is_called_its_file_is_inside_the_output_folder_or_refused(parts):
    output = "/srv/site/output"
    target = inside(output, "/".join(parts))
    assert target is None or target.startswith(output + "/")


FOLDER_NAMES = st.sampled_from(["updates", "images", ".git", "a", "b", "x y", ".hidden"])


@given(
    st.lists(st.lists(FOLDER_NAMES, min_size=1, max_size=3), max_size=6),
    st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["link", ".link", "images"]), st.booleans()), max_size=4),
)
def test_the_linked_folders_pelican_must_not_walk_are_those_the_scan_reports(paths, links):
    """exclude_linked_folders looks only at folders; the check stage's scan looks at every file:
    the same linked folders, whatever the tree (links to folders inside or outside the content,
    hidden folders, links inside hidden or linked folders)."""
    with tempfile.TemporaryDirectory() as top:
        root, outside = os.path.join(top, "content"), os.path.join(top, "outside")
        os.makedirs(outside)
        os.makedirs(root)
        made = [root]
        for parts in paths:
            folder = os.path.join(root, *parts)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "a.md"), "w", encoding="utf-8") as f:
                f.write("Title: A\n")
            made.append(folder)
        for number, name, inside in links:
            where = os.path.join(made[number % len(made)], name)
            if not os.path.lexists(where):
                os.symlink(made[0] if inside else outside, where)
        found = linked_folders(root)
        event(f"{len(found)} linked folder(s)")
        assert found == scan(root).linked_dirs
        assert all(os.path.islink(os.path.join(root, path)) for path in found)


class Dated:
    """An item with a date, compared by identity, as Pelican's content objects are."""

    def __init__(self, date):
        self.date = date


@given(
    st.lists(st.datetimes(min_value=datetime(2021, 11, 28), max_value=datetime(2023, 2, 2)), max_size=40),
    st.sampled_from(sorted(PERIOD_OF)),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_periods_are_pelicans_comparison_of_every_article_with_every_date(moments, granularity, newest_first, random):
    """archives.periods, in one pass, against what Pelican's grouping computes by comparing every
    article with every item of the period (`[a for a in articles if a in dates]`): the same runs,
    the same articles in each, in the same order; with articles in any order (ARTICLE_ORDER_BY),
    ties of one moment, and articles that are not among the dates."""
    items = [Dated(moment) for moment in moments]
    dates = sorted(items, key=lambda item: item.date, reverse=newest_first)
    articles = [*items, Dated(datetime(2022, 1, 1))]  # one not among the dates: in no period
    random.shuffle(articles)
    expected = [
        (period, run, [a for a in articles if a in run])
        for period, run in ((p, list(g)) for p, g in itertools.groupby(dates, key=PERIOD_OF[granularity]))
    ]
    found = periods(dates, articles, PERIOD_OF[granularity])
    assert [(p, [id(i) for i in r], [id(a) for a in a_]) for p, r, a_ in found] == [
        (p, [id(i) for i in r], [id(a) for a in a_]) for p, r, a_ in expected
    ]
    event(f"{len(found)} periods")


def test_a_periods_entry_has_pelicans_names_and_addresses():
    may = [Dated(datetime(2024, 5, 3, 9)), Dated(datetime(2024, 5, 20))]
    url, save_as = "archives/{date:%Y}/{date:%m}/", "archives/{date:%Y}/{date:%m}/index.html"
    assert entry("month", (2024, 5), may, may[::-1], url, save_as) == {
        "dates": may,
        "articles": may[::-1],
        "save_as": "archives/2024/05/index.html",
        "url": "archives/2024/05/",
        "period": (2024, "May"),
        "period_num": (2024, 5),
    }
    assert entry("year", 2024, may, may, "y/{date:%Y}/", "y/{date:%Y}.html")["period"] == (2024,)
    day = entry("day", (2024, 5, 3), may[:1], may[:1], "", "{date:%d}.html")
    assert (day["period"], day["period_num"], day["save_as"]) == ((2024, "May", 3), (2024, 5, 3), "03.html")
