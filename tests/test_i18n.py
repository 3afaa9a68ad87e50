"""The interface in other languages (plugins/iwelcome/i18n.py, terms.py): gettext catalogues kept
complete and in step with the templates, Babel dates and numbers, the terms table and its checks,
and the words of a page following the page's language."""

import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from jinja2 import Environment, nodes

from conftest import ACTION_KINDS, ROOT, TYPES, article, setting
from iwelcome import i18n, terms
from iwelcome.fragments import FragmentCache
from iwelcome.settings import DEFAULTS

TRANSLATIONS = ROOT / "theme" / "translations"
POT = TRANSLATIONS / "messages.pot"


DEFAULT_LANG = setting("DEFAULT_LANG")
OTHER_LANGUAGES = [lang for lang in setting("LANGUAGES") if lang != DEFAULT_LANG]


def read(path, lang=None):
    with open(path, "rb") as f:
        return read_po(f, locale=lang and i18n.locale_of(lang))


def ids(catalog):
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in list(catalog)[1:]}


# --- Catalogues ----------------------------------------------------------------------------------


def extracted(tmp_path):
    """The messages pybabel extracts now, with babel.cfg, as `translations-extract` does."""
    out = tmp_path / "messages.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(out),
            "--ignore-dirs",
            ".* ._ output cache content tests test-artifacts benchmarks __pycache__",
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return read(out)


def test_every_marked_string_is_in_the_template_and_nothing_else(tmp_path):
    now, committed = ids(extracted(tmp_path)), ids(read(POT))
    missing, stale = sorted(now - committed, key=str), sorted(committed - now, key=str)
    assert not missing, (
        f"not in messages.pot (run python3 tasks.py translations-extract, then translations-update): {missing}"
    )
    assert not stale, f"in messages.pot but no longer marked anywhere (run translations-extract): {stale}"


def test_the_site_has_a_catalogue_for_each_of_its_other_languages():
    assert OTHER_LANGUAGES, "pelicanconf.py's LANGUAGES has a language besides the default"
    assert set(i18n.catalogue_paths(TRANSLATIONS)) == set(OTHER_LANGUAGES)


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy_or_broken(lang):
    catalog = read(i18n.catalogue_paths(TRANSLATIONS)[lang], lang)
    problems = i18n.catalogue_problems(catalog, read(POT), lang, f"{lang}/messages.po")
    assert not problems, "\n".join(str(p) for p in problems)
    assert not [m.id for m in list(catalog)[1:] if m.fuzzy], "no fuzzy entries"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_each_catalogue_has_its_languages_plural_forms(lang):
    catalog = read(i18n.catalogue_paths(TRANSLATIONS)[lang], lang)
    assert catalog.plural_forms == get_plural(lang).plural_forms
    for message in list(catalog)[1:]:
        if message.pluralizable:
            assert len(message.string) == catalog.num_plurals, message.id


def test_the_words_python_declares_are_in_the_template():
    """The labels templates translate from the plugin's settings and from pelicanconf.py."""
    declared = set()
    for kind in TYPES.values():
        declared |= {kind.label, kind.plural, kind.all, *(f.label for f in kind.shown)}
    declared |= set(DEFAULTS["CASE_STATUSES"].values())
    declared |= {word for kind in ACTION_KINDS.values() for word in (kind.label, kind.plural)}
    declared |= {label for label, _link in setting("MENUITEMS")} | {setting("SITE_TAGLINE")}
    in_pot = {message_id for message_id, _context in ids(read(POT))}
    assert declared - in_pot == set()


def test_the_settings_extractor_reads_pelicanconf_without_running_it():
    source = b'SITE_TAGLINE = "Safety for all."\nMENUITEMS = (("Home", "/"), ("About us", "/about/"))\nOTHER = "x"\n'
    found = [(line, message) for line, _f, message, _c in i18n.extract_settings(io.BytesIO(source), [], [], {})]
    assert found == [(1, "Safety for all."), (2, "Home"), (2, "About us")]


def test_no_template_builds_a_message_at_run_time():
    """What a template translates is a literal, or a value from the settings or the plugin, never
    text put together while rendering ("All " ~ plural): extraction could not find it."""
    env = Environment(extensions=["jinja2.ext.i18n", FragmentCache], trim_blocks=True, lstrip_blocks=True)
    built = []
    for path in sorted((ROOT / "theme" / "templates").glob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name in (
                "_",
                "gettext",
                "ngettext",
                "pgettext",
                "npgettext",
            ):
                count = 2 if call.node.name in ("ngettext", "pgettext") else 3 if call.node.name == "npgettext" else 1
                for arg in call.args[:count]:
                    if not isinstance(arg, (nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem)):
                        built.append(f"{path.name}:{call.lineno}: {type(arg).__name__}")
    assert not built


def test_templates_are_extracted_as_the_build_parses_them():
    method_map, options = parse_mapping_cfg(io.StringIO((ROOT / "babel.cfg").read_text()))
    assert ("theme/templates/**.html", "jinja2") in method_map
    jinja = options["theme/templates/**.html"]
    environment = setting("JINJA_ENVIRONMENT")
    for name in ("trim_blocks", "lstrip_blocks"):
        assert jinja[name] == str(environment[name]).lower()
    assert jinja["newstyle_gettext"] == "true" and jinja["trimmed"] == "true"  # as i18n.install() sets them


# --- Catalogue checks and the build's in-memory compilation -----------------------------------------


def catalog_with(*messages):
    catalog = Catalog(locale="es")
    for message_id, string, *flags in messages:
        catalog.add(message_id, string, flags=flags)
    return catalog


def test_catalogue_problems_name_each_kind_of_trouble():
    template = catalog_with(
        ("Share this", ""), ("Missing", ""), ("<b>Bold</b>", ""), ("Fuzzy", ""), ("Empty", ""), ("%(n)s%% done", "")
    )
    template.add(("%(num)s item", "%(num)s items"), ("", ""))
    catalog = catalog_with(
        ("Share this", "Compartir"),
        ("<b>Bold</b>", "<script>x</script>"),
        ("Fuzzy", "Difuso", "fuzzy"),
        ("Empty", ""),
        ("%(n)s%% done", "%(n)s % hecho"),
    )
    catalog.add(
        ("%(num)s item", "%(num)s items"), ("%(num)s publicación", "%(cuenta)s publicaciones", "%(num)s publicaciones")
    )
    found = "\n".join(str(p) for p in i18n.catalogue_problems(catalog, template, "es", "es.po", "Spanish"))
    assert "'Missing' is not in this catalogue" in found
    assert "'Empty' has no Spanish translation" in found
    assert "'Fuzzy' is marked fuzzy" in found
    assert re.search(r"'<b>Bold</b>' is not used: .*HTML tags", found)
    assert re.search(r"'%\(n\)s%% done' is not used: .*(placeholders|not a valid %-format)", found)
    assert re.search(r"'%\(num\)s item' is not used: .*cuenta", found)
    assert "Share this" not in found


def test_a_catalogue_with_other_plural_forms_is_reported():
    template = catalog_with(("Share this", ""))
    catalog = read_po(
        io.BytesIO(
            b'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            b'msgid "Share this"\nmsgstr "Compartir"\n'
        ),
        locale="es",
    )
    problems = i18n.catalogue_problems(catalog, template, "es", "es.po", "Spanish")
    assert len(problems) == 1 and "needs 'nplurals=3" in problems[0].message


def test_the_build_uses_only_good_translations():
    catalog = catalog_with(
        ("Share this", "Compartir"),
        ("Fuzzy", "Difuso", "fuzzy"),
        ("<b>Bold</b>", "<script>x</script>"),
        ("%(site)s", "%(sitio)s"),
    )
    catalog.add(
        ("%(num)s item", "%(num)s items"), ("%(num)s publicación", "%(num)s publicaciones", "%(num)s publicaciones")
    )
    translations = i18n.compile_catalogue(catalog)
    assert translations.gettext("Share this") == "Compartir"
    assert translations.gettext("Fuzzy") == "Fuzzy"
    assert translations.gettext("<b>Bold</b>") == "<b>Bold</b>"
    assert translations.gettext("%(site)s") == "%(site)s"
    assert [translations.ngettext("%(num)s item", "%(num)s items", n) for n in (1, 2, 1_000_000)] == [
        "%(num)s publicación",
        "%(num)s publicaciones",
        "%(num)s publicaciones",
    ]


# --- Dates and numbers -------------------------------------------------------------------------------


def test_dates_are_written_as_before_in_each_language():
    assert i18n.format_date(date(2017, 2, 10), "en") == "February 10, 2017"
    assert i18n.format_date(date(2017, 2, 10), "es") == "10 de febrero de 2017"
    late = datetime(2017, 2, 10, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert i18n.format_date(late, "es") == "10 de febrero de 2017"  # the item's own day, not UTC's


def test_numbers_are_written_as_readers_in_the_united_states_write_them():
    assert [i18n.format_number(n, "en") for n in (7, 2500, 18342, 1234567)] == ["7", "2,500", "18,342", "1,234,567"]
    assert [i18n.format_number(n, "es") for n in (7, 2500, 18342, 1234567)] == ["7", "2,500", "18,342", "1,234,567"]
    assert i18n.locale_of("es") == "es_US" and i18n.locale_of("ar") == "ar"


def test_arabic_dates_and_numbers_are_in_latin_digits():
    """Arabic: Modern Standard Arabic's month names, and the digits 0-9 (the latn numbering system)
    in numbers as in dates, never the Arabic-Indic digits (U+0660 to U+0669)."""
    assert i18n.format_date(date(2017, 2, 10), "ar") == "10 فبراير 2017"
    assert i18n.format_date(date(2027, 6, 20), "ar") == "20 يونيو 2027"
    assert [i18n.format_number(n, "ar") for n in (7, 2500, 18342)] == ["7", "2,500", "18,342"]


def test_each_language_has_its_own_name_and_direction():
    assert [i18n.language_name(lang) for lang in ("en", "es", "ar")] == ["English", "Español", "العربية"]
    assert [i18n.text_direction(lang) for lang in ("en", "es", "ar", "he", "fa")] == ["ltr", "ltr", "rtl", "rtl", "rtl"]
    assert i18n.language_name("xx") == "xx"  # a code Babel does not know is shown as it is


# --- Templates follow the page's language -----------------------------------------------------------


@pytest.fixture
def render():
    """Render a template string with the plugin's template functions, as a generator's would."""
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    generator = SimpleNamespace(settings={"DEFAULT_LANG": "en", "THEME": str(ROOT / "theme")}, env=env)
    i18n.install(generator)
    return lambda source, **context: env.from_string(source).render(**context)


def test_words_plurals_and_numbers_follow_the_page_language(render):
    count = '{{ ngettext("%(num)s item", "%(num)s items", n, num=format_number(n)) }}'
    assert [render(count, n=n) for n in (1, 2, 2500)] == ["1 item", "2 items", "2,500 items"]
    assert [render(count, n=n, lang="es") for n in (1, 2, 1_000_000)] == [
        "1 publicación",
        "2 publicaciones",
        "1,000,000 publicaciones",
    ]
    page = SimpleNamespace(lang="es")
    assert (
        render('{{ _("Share this") }} {{ format_date(d) }}', page=page, d=date(2017, 2, 10))
        == "Compartir 10 de febrero de 2017"
    )
    assert render("{{ page_lang() }} {{ page_locale() }}", article=page) == "es es_US"
    assert render('{{ _("Share this") }}') == "Share this"


def test_arabic_has_six_plural_forms_and_each_is_used(render):
    """Arabic's forms: zero, one, two, few (3 to 10, and 103, 1003 ...), many (11 to 99, 111 ...) and
    other (100, 101, 102, 1000 ...)."""
    count = '{{ ngettext("%(num)s item", "%(num)s items", n, num=format_number(n)) }}'
    shown = {n: render(count, n=n, lang="ar") for n in (0, 1, 2, 3, 10, 11, 42, 99, 100, 102, 103, 111, 1000)}
    assert shown == {
        0: "لا منشورات",
        1: "منشور واحد",
        2: "منشوران",
        3: "3 منشورات",
        10: "10 منشورات",
        11: "11 منشورًا",
        42: "42 منشورًا",
        99: "99 منشورًا",
        100: "100 منشور",
        102: "102 منشور",
        103: "103 منشورات",
        111: "111 منشورًا",
        1000: "1,000 منشور",
    }
    assert render("{{ page_lang() }} {{ page_dir() }} {{ page_locale() }}", lang="ar") == "ar rtl ar"
    assert render("{{ page_dir() }}", lang="es") == "ltr"


def test_the_pagination_arrows_point_where_each_link_sits(render):
    """Newer items come first, at the start of the line: on the left in English, pointing left; on
    the right in Arabic, pointing right."""
    source = (ROOT / "theme/templates/_pagination.html").read_text(encoding="utf-8")
    listing = {
        "SITEURL": "",
        "articles_paginator": SimpleNamespace(num_pages=3),
        "articles_page": SimpleNamespace(number=2, has_previous=lambda: True, has_next=lambda: True),
        "articles_previous_page": SimpleNamespace(url="updates/"),
        "articles_next_page": SimpleNamespace(url="updates/page/3/"),
    }
    for lang, newer, older in (("en", "←", "→"), ("ar", "→", "←")):
        page = BeautifulSoup(render(source, lang=lang, **listing), "html.parser")
        assert page.select_one("a[rel=prev] [aria-hidden]").get_text().strip() == newer, lang
        assert page.select_one("a[rel=next] [aria-hidden]").get_text().strip() == older, lang


def test_values_in_a_message_are_escaped_and_an_empty_one_stays_empty(render):
    assert render('{{ _("Topic: %(topic)s", topic=t) }}', t="<b>&") == "Topic: &lt;b&gt;&amp;"
    assert render("[{{ _(x) }}]", x="", lang="es") == "[]"


def test_topic_and_country_names_come_from_the_terms_table(render):
    names = '{{ topic_name("Detention") }} / {{ country_name("United States") }} / {{ topic_name("Unknown") }}'
    assert render(names, lang="es") == "Detención / Estados Unidos / Unknown"
    assert render(names) == "Detention / United States / Unknown"


# --- The terms table ------------------------------------------------------------------------------

USED = {"topics": {"Asylum", "Detention", "Children"}, "countries": {"Mexico", "United States", "El Salvador"}}
TABLE_TEXT = """{
  "es": {
    "topics": {
      "Asylum": "Asilo",
      "Detention": "Detención"
    },
    "countries": {
      "Mexico": "México",
      "El Salvador": "El Salvador"
    }
  }
}
"""


def check(table, shown=None, languages=("es",)):
    return [
        (p.line, p.message)
        for p in terms.check_table(
            table,
            USED,
            shown or {},
            list(languages),
            "terms.json",
            terms.parse(json.dumps(table, indent=2), "terms.json")[2],
            {"es": "Spanish", "fr": "French"},
        )
    ]


def test_a_good_table_has_no_problems_and_gives_the_names():
    table, problems, lines = terms.parse(TABLE_TEXT, "terms.json")
    assert problems == [] and lines[("es", "countries", "Mexico")] == 8
    assert (
        terms.check_table(
            table, USED, {"es": {"topics": {"Asylum"}, "countries": {"El Salvador"}}}, ["es"], "terms.json", lines
        )
        == []
    )
    assert terms.name_in(table, "es", "topics", "Detention") == "Detención"
    assert terms.name_in(table, "es", "topics", "Children") == "Children"  # no entry: as the content writes it
    assert terms.name_in(table, "en", "topics", "Detention") == "Detention"
    assert terms.name_in({"es": {"topics": {"Asylum": " "}}}, "es", "topics", "Asylum") == "Asylum"


@pytest.mark.parametrize(
    "table, expected",
    [
        ({"es": {"topics": {"Detension": "Detención"}}}, r"the topic 'Detension' is in no file's 'Tags:' line"),
        ({"es": {"topics": {"Mexico": "México"}}}, r"'Mexico' is a country, not a topic: move it to \"countries\""),
        ({"es": {"topics": {"Asylum": ""}}}, r"the Spanish name of the topic 'Asylum' is empty"),
        (
            {"es": {"topics": {"Asylum": "Children"}}},
            r"'Children', the Spanish name of the topic 'Asylum', is itself a topic or country",
        ),
        (
            {"es": {"topics": {"Asylum": "Asilo", "Detention": "Asilo"}}},
            r"'Asilo' is the Spanish name of both the topic 'Asylum' and the topic 'Detention'",
        ),
        ({"fr": {"topics": {"Asylum": "Asile"}}}, r"'fr' is not one of the site's other languages \(es\)"),
        ({"en": {"topics": {"Asylum": "Asylum"}}}, r"'en' is not one of the site's other languages"),
    ],
)
def test_each_problem_of_a_table_is_named_at_its_line(table, expected):
    found = check(table)
    assert len(found) == 1 and re.search(expected, found[0][1]), found
    assert found[0][0] is not None


def test_a_name_on_pages_in_a_language_without_a_name_there_is_reported():
    found = check(
        {"es": {"topics": {"Asylum": "Asilo"}}}, shown={"es": {"topics": {"Asylum", "Children"}, "countries": set()}}
    )
    assert [message for _line, message in found] == [
        'the topic \'Children\' is on Spanish pages but has no Spanish name here: add it to "topics" in "es" '
        "(until then those pages show 'Children')"
    ]


@pytest.mark.parametrize(
    "text, expected, line",
    [
        ('{"es": {"topics": {"Asylum": "Asilo",}}}', r"is not valid JSON", 1),
        ('["es"]', r"must be one object of languages", 1),
        ('{"es": {"topic": {"Asylum": "Asilo"}}}', r"'topic' in 'es' is not a list of names the site has", 1),
        ('{"es": {"topics": ["Asylum"]}}', r"'topics' in 'es' must be an object", 1),
        ('{"es": {"topics": {"Asylum": 1}}}', r"the name of 'Asylum' in 'es' must be text", 1),
        ('{"es": {"topics": {\n"Asylum": "Asilo",\n"Asylum": "Refugio"}}}', r"'Asylum' is written twice", 2),
    ],
)
def test_a_table_that_cannot_be_read_says_why(text, expected, line):
    _table, problems, _lines = terms.parse(text, "terms.json")
    assert len(problems) == 1 and re.search(expected, problems[0].message) and problems[0].line == line, problems


def test_the_sites_table_is_well_formed_and_clashes_with_nothing():
    """Entries no file uses yet (or any more) are only a warning of `check`; everything else in
    the site's own table must hold."""
    text = (TRANSLATIONS / "terms.json").read_text(encoding="utf-8")
    table, problems, lines = terms.parse(text, "terms.json")
    assert problems == []
    used = {kind: set() for kind in terms.KINDS}
    for path in (ROOT / "content").rglob("*.md"):
        for kind, field in (("topics", "Tags"), ("countries", "Countries")):
            found = re.search(rf"^{field}:(.*)$", path.read_text(encoding="utf-8"), re.M)
            used[kind] |= {name.strip() for name in (found.group(1).split(",") if found else []) if name.strip()}
    for lang in table:
        for kind in table[lang]:
            used[kind] |= set(table[lang][kind])
    assert terms.check_table(table, used, {}, OTHER_LANGUAGES, "terms.json", lines) == []


def test_check_looks_at_the_names_of_a_language_only_once_pages_are_written_in_it():
    from iwelcome.validation import Item

    settings = {
        "THEME": str(ROOT / "theme"),
        "PATH": str(ROOT / "content"),
        "DEFAULT_LANG": "en",
        "LANGUAGES": setting("LANGUAGES"),
    }

    def item(lang, tags):
        return Item(
            f"content/updates/a-{lang}.md", "article", "updates", "a", "updates/a/index.html", {"tags": tags}, lang
        )

    assert i18n.translation_problems(settings, [item("en", "Asylum")]) == []
    found = [
        p.message
        for p in i18n.translation_problems(settings, [item("en", "Asylum, Refuge"), item("es", "Asylum, Refuge")])
    ]
    assert any("the topic 'Children' is in no file's 'Tags:' line" in m for m in found)
    assert any("the topic 'Refuge' is on Spanish pages but has no Spanish name here" in m for m in found)
    found = [
        p.message
        for p in i18n.translation_problems(settings, [item("en", "Asylum, Refuge"), item("ar", "Asylum, Refuge")])
    ]
    assert any("the topic 'Refuge' is on Arabic pages but has no Arabic name here" in m for m in found), found
    assert not any("'Asylum'" in m for m in found), "Asylum has its Arabic name"


# --- On the built site ------------------------------------------------------------------------------


def test_spanish_pages_show_spanish_topic_and_country_names(site):
    page = site.page("/es/case-studies/sara-beltran-hernandez/")
    topics = [a.get_text() for a in page.select(".article-footer a[data-pagefind-filter]")]
    assert topics == ["Detención", "Asilo", "Atención médica"]
    countries = [a.get_text() for a in page.select(".article-footer .term-list:nth-of-type(2) a")]
    assert countries == ["El Salvador", "Estados Unidos"]
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["keywords"] == "Detención, Asilo, Atención médica"
    english = site.page("/case-studies/sara-beltran-hernandez/")
    assert [a.get_text() for a in english.select(".article-footer a[data-pagefind-filter]")] == [
        "Detention",
        "Asylum",
        "Health care",
    ]


def test_listings_count_with_plurals(site):
    topics = site.page("/topics/")
    assert topics.select_one(".listing-count").get_text() == f"{len(topics.select('.term-index li'))} topics"
    counts = [li.select_one(".term-count").get_text() for li in site.page("/countries/").select(".term-index li")]
    assert all(re.fullmatch(r"1 item|([2-9]|\d\d+) items", count) for count in counts), counts
    assert "1 item" in counts


@pytest.fixture
def own_theme(tmp_path):
    """A copy of the theme whose translations a test may break."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    return theme


def test_check_lists_the_problems_of_the_translations_as_warnings(build_site, own_theme):
    table = json.loads((own_theme / "translations" / "terms.json").read_text())
    table["es"]["topics"]["Asylum"] = "Detention"
    (own_theme / "translations" / "terms.json").write_text(json.dumps(table, indent=2, ensure_ascii=False))
    po = own_theme / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgstr "Compartir"', 'msgstr ""'))
    files = {
        "updates/a.md": article(Tags="Asylum, Detention"),
        "updates/b.md": article(Tags="Resettlement"),  # a translation's topics are topics of the site
        "updates/a-es.md": article(Tags="Asylum, Detention, Resettlement", Slug="a", Lang="es", Translation="true"),
    }
    build = build_site(files, extra=("-t", str(own_theme), "-e", "CHECK_ONLY=true"))
    assert build.returncode == 0, build.log  # warnings only: pages show English where a translation is missing
    out = build.stdout
    assert re.search(
        r"^theme/translations/es/LC_MESSAGES/messages\.po:\d+: 'Share this' has no Spanish translation", out, re.M
    ), out
    assert re.search(
        r"^theme/translations/terms\.json:\d+: 'Detention', the Spanish name of the topic 'Asylum', is itself",
        out,
        re.M,
    ), out
    assert re.search(
        r"^theme/translations/terms\.json:\d+: the topic 'Children' is in no file's 'Tags:' line", out, re.M
    ), out
    built = build_site(files, extra=("-t", str(own_theme)))
    assert built.returncode == 0, built.log
    spanish = BeautifulSoup((built.output / "es/updates/a/index.html").read_text(), "html.parser")
    assert spanish.select_one("#share-title").get_text() == "Share this"  # untranslated: English
    assert [a.get_text() for a in spanish.select(".article-footer a[data-pagefind-filter]")] == [
        "Detention",
        "Detención",
        "Reasentamiento",
    ]
