"""The trust boundary, case by case: a corpus of hostile and mistaken content (issue 12).

Editors are trusted to publish, but they paste from anywhere, make typos, and a commit is not a
shell. Each case below is a small site holding one such file. Either the build stops cleanly
(exit 1, no traceback, nothing written) with the expected `path:line: Field: message` lines, or
it succeeds and the output holds nothing it must not: no element, attribute or URL scheme
outside the allowlist, no file from outside the content folder, no embargoed text.
tests/test_trust_properties.py puts generated content through the same checks.
"""

import contextlib
import gzip
import os
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from conftest import PNG, ROOT, Symlink, action, article, assert_fails_with, run_pelican, setting, unsafe_output

FUTURE = f"{date.today() + timedelta(days=400):%Y-%m-%d}"
PAST = "2024-03-15"
SECRET = "Zanzibar-embargo-7731"  # a word that appears only in embargoed text


def output_text(output):
    """Every file of a build as text, Pagefind's gzipped chunks unzipped."""
    texts = {}
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"):
            with contextlib.suppress(OSError):  # not gzipped
                data = gzip.decompress(data)
        texts[path.relative_to(output).as_posix()] = data.decode("utf-8", errors="replace")
    return texts


# --- 1. Confinement -------------------------------------------------------------------------


def test_a_link_to_the_environment_is_refused_and_not_read(build_site):
    build = build_site(
        {
            "updates/a.md": article(),
            "downloads/env.txt": Symlink("/proc/self/environ"),
            "images/passwd.png": Symlink("/etc/passwd"),
        }
    )
    assert_fails_with(
        build,
        r"^content/downloads/env\.txt: is a symbolic link \(to /proc/self/environ\); the site publishes only files",
        r"^content/images/passwd\.png: is a symbolic link \(to /etc/passwd\)",
    )
    assert "root:" not in build.log and "PATH=" not in build.log


def test_a_linked_markdown_file_is_not_read(build_site, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(article(Title=SECRET))
    build = build_site({"updates/a.md": article(), "updates/b.md": Symlink(str(outside))})
    assert_fails_with(build, r"^content/updates/b\.md: is a symbolic link")
    assert SECRET not in build.log


def test_a_linked_folder_is_refused_and_not_walked(build_site, tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "c.md").write_text(article(Title=SECRET))
    build = build_site({"updates/a.md": article(), "updates/more": Symlink(str(outside)), "images/all": Symlink("/")})
    assert_fails_with(
        build, r"^content/updates/more: is a link to a folder", r"^content/images/all: is a link to a folder"
    )
    assert SECRET not in build.log


@pytest.mark.parametrize(
    "field, value, pattern",
    [
        ("Image", "../../pelicanconf.py", r"Image: \.\./\.\./pelicanconf\.py leaves the content folder"),
        ("Image", "images/../../../etc/passwd", r"Image: images/\.\./\.\./\.\./etc/passwd leaves the content folder"),
        ("Image", "updates/b.md", r"Image: updates/b\.md is not in content/images/ or content/downloads/"),
        ("Image", "https://tracker.example/x.png", r"Image: .* is not in content/images/ or content/downloads/"),
    ],
)
def test_an_image_field_stays_in_the_files_folders(build_site, field, value, pattern):
    build = build_site({"updates/a.md": article(**{field: value, "Image_alt": "A picture"}), "updates/b.md": article()})
    assert_fails_with(build, rf"^content/updates/a\.md:\d+: {pattern}")


@pytest.mark.parametrize(
    "link, pattern",
    [
        ("{static}../../pelicanconf.py", r"the link \{static\}\.\./\.\./pelicanconf\.py leaves the content folder"),
        ("{static}/../.git/config", r"the link \{static\}/\.\./\.git/config leaves the content folder"),
        (
            "{static}/updates/notes.txt",
            r"the link \{static\}/updates/notes\.txt names content/updates/notes\.txt, "
            r"which is not in content/images/ or content/downloads/",
        ),
        ("{attach}../../../etc/hosts", r"the link \{attach\}\.\./\.\./\.\./etc/hosts leaves the content folder"),
    ],
)
def test_a_static_link_cannot_publish_a_file_from_elsewhere(build_site, link, pattern):
    build = build_site({"updates/a.md": article() + f"\n[the file]({link})\n", "updates/notes.txt": "private notes"})
    assert_fails_with(build, rf"^content/updates/a\.md:8: Body: {pattern}")


def test_an_action_file_field_stays_in_the_files_folders(build_site):
    build = build_site(
        {"updates/a.md": article(), "actions/kit.md": action(Kind="download", Url=None, File="../../pelicanconf.py")}
    )
    assert_fails_with(build, r"^content/actions/kit\.md:\d+: File: \.\./\.\./pelicanconf\.py leaves the content folder")


@pytest.mark.parametrize(
    "name, data, pattern",
    [
        ("downloads/page.html", b"<script>alert(1)</script>", r"\.html files are not published from downloads/"),
        ("images/logo.svg", b"<svg onload='alert(1)'/>", r"\.svg files are not published from images/"),
        ("images/fake.png", b"<html><script>alert(1)</script>", r"is not a PNG image, whatever its name says"),
        ("downloads/report.pdf", b"<html>", r"is not a PDF, whatever its name says"),
        (
            "downloads/noextension",
            b"data",
            r"files without an extension files are not published|files are not published",
        ),
    ],
)
def test_files_a_browser_could_run_are_not_published(build_site, name, data, pattern):
    build = build_site({"updates/a.md": article(), name: data})
    assert_fails_with(build, rf"^content/{re.escape(name)}: {pattern}")


def test_check_lists_files_the_build_ignores(build_site):
    build = build_site(
        {"updates/a.md": article(), "updates/notes.txt": "notes", "pages/old.html": "<p>old</p>"},
        extra=("-e", "CHECK_ONLY=true"),
    )
    assert build.returncode == 0, build.log
    assert re.search(r"^content/updates/notes\.txt: the build ignores this file", build.stdout, re.M), build.stdout
    assert re.search(r"^content/pages/old\.html: the build ignores this file", build.stdout, re.M), build.stdout


# --- 2. Markup ------------------------------------------------------------------------------

HOSTILE_BODIES = [
    ('<script src="https://evil.example/x.js"></script>', r"<script> is not allowed in the text: scripts never run"),
    (
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        r"<iframe> is not allowed in the text: .*link to it instead",
    ),
    (
        '<form action="https://evil.example"><input name="q"></form>',
        r"<form> is not allowed in the text: forms send readers' data",
    ),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', r"<meta> is not allowed in the text"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', r"<link> is not allowed in the text"),
    ('<base href="https://evil.example/">', r"<base> is not allowed in the text"),
    ('<object data="x.swf"></object>', r"<object> is not allowed in the text"),
    ('<embed src="x.swf">', r"<embed> is not allowed in the text"),
    ("<style>body{display:none}</style>", r"<style> is not allowed in the text"),
    ('<p onmouseover="alert(1)">Hover</p>', r"the onmouseover attribute on <p> would run a script"),
    ('<img src="/images/a.png" alt="A" onerror="alert(1)">', r"the onerror attribute on <img> would run a script"),
    (
        "[click](javascript:alert(document.cookie))",
        r"the address 'javascript:alert\(document\.cookie\)' uses 'javascript:'",
    ),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', r"uses 'javascript:'"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', r"uses 'javascript:'"),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", r"uses 'data:'"),
    ("![pixel](https://tracker.example/p.gif)", r"the image https://tracker\.example/p\.gif is on another site"),
    ("[x](vbscript:msgbox)", r"uses 'vbscript:'"),
    ("<svg><script>alert(1)</script></svg>", r"<svg> is not allowed in the text"),
    ('Text\n{: onclick="alert(1)" }', r"the onclick attribute on <p> would run a script"),
]


@pytest.mark.parametrize("markup, pattern", HOSTILE_BODIES, ids=[m[:30] for m, _p in HOSTILE_BODIES])
def test_raw_html_outside_the_allowlist_is_an_error_at_its_line(build_site, markup, pattern):
    build = build_site({"updates/a.md": article() + f"\nA first paragraph.\n\n{markup}\n", "images/a.png": PNG})
    assert_fails_with(build, rf"^content/updates/a\.md:1[01]: Body: .*{pattern}")


def test_an_action_pitch_passes_the_same_allowlist(build_site):
    build = build_site(
        {
            "updates/a.md": article(),
            "actions/sign.md": action() + '\n<script>alert(1)</script>\n\n<a href="javascript:x()">go</a>\n',
        }
    )
    assert_fails_with(
        build,
        r"^content/actions/sign\.md:8: Body: <script> is not allowed",
        r"^content/actions/sign\.md:10: Body: the address 'javascript:x\(\)'",
    )


def test_ordinary_formatting_stays(build_site):
    body = (
        "\n## A heading\n\nSome *emphasis*, **strength**, a [link](https://example.org/) and "
        '<abbr title="Department of Homeland Security">DHS</abbr>.\n\n> A quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
        "Note[^1].\n\n[^1]: The footnote.\n\n<details><summary>More</summary>Hidden text.</details>\n"
    )
    build = build_site({"updates/a.md": article() + body})
    assert build.returncode == 0, build.log
    page = BeautifulSoup((build.output / "updates/a/index.html").read_text(), "html.parser").select_one(".article-body")
    for selector in (
        "h2",
        "em",
        "strong",
        'a[href="https://example.org/"]',
        "abbr[title]",
        "blockquote",
        "table td",
        "sup a[href='#fn:1']",
        "details summary",
    ):
        assert page.select_one(selector) is not None, selector


@pytest.mark.parametrize("field", ["Title", "Summary", "Location", "Person", "Tags", "Countries"])
def test_metadata_is_text_wherever_it_appears(build_site, field):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    fields = (
        {"Location": "Washington", field: f"Before {hostile}"} if field != "Person" else {field: f"Before {hostile}"}
    )
    folder = "case-studies" if field in ("Person", "Countries") else "press-releases"
    if folder == "case-studies":
        fields = {"Person": "Ana", "Case_status": "detained", "Countries": "El Salvador", **fields}
        fields.pop("Location", None)
    build = build_site({f"{folder}/a.md": article(**fields)}, settings="publishconf.py")
    if field in ("Tags", "Countries") and build.returncode:
        # A topic or country written with characters that make no address is refused instead.
        assert_fails_with(build)
        return
    assert build.returncode == 0, build.log
    assert unsafe_output(build.output) == []
    page = BeautifulSoup((build.output / f"{folder}/a/index.html").read_text(), "html.parser")
    assert "<script>alert(1)</script>" in page.get_text().lower(), "the characters show as text"


# --- 3. Embargo -----------------------------------------------------------------------------


def embargo_site():
    return {
        "press-releases/big-news.md": article(
            Title=f"Big news {SECRET}",
            Date=FUTURE,
            Location="Geneva",
            Summary=f"Under embargo {SECRET}.",
            Tags="Embargoed topic",
        )
        + f"\n{SECRET} body.\n",
        "press-releases/big-news-es.md": "\n".join(
            [
                f"Title: Noticia {SECRET}",
                f"Date: {PAST}",
                "Slug: big-news",
                "Lang: es",
                "Translation: true",
                f"Summary: Embargo {SECRET}.",
                "Tags: Embargoed topic",
                "Location: Ginebra",
                "",
                f"{SECRET} texto.",
                "",
            ]
        ),
        "updates/today.md": article(Title="Published today")
        + "\nSee [the news]({filename}../press-releases/big-news.md).\n",
        "updates/pins.md": article(Title="Pinned", Related="big-news"),
        "pages/about.md": "Title: About\n\nRead [the news]({filename}../press-releases/big-news.md).\n",
    }


def test_nothing_embargoed_reaches_any_file_of_a_production_build(build_site):
    build = build_site(embargo_site(), settings="publishconf.py", search=True)
    assert build.returncode == 0, build.log
    texts = output_text(build.output)
    for path, text in texts.items():
        assert SECRET not in text, f"embargoed text in {path}"
        assert "big-news" not in text, f"the embargoed slug in {path}"
        assert "embargoed-topic" not in text, f"the embargoed topic in {path}"
    assert "es/press-releases/big-news/index.html" not in texts
    page = BeautifulSoup(texts["updates/today/index.html"], "html.parser")
    link = [a for a in page.select(".article-body a") if a.get_text() == "the news"]
    assert len(link) == 1 and not link[0].has_attr("href"), "a link to an embargoed item is plain text"


def test_files_only_embargoed_items_use_wait_for_them(build_site):
    files = {
        "press-releases/report.md": article(
            Date=FUTURE, Location="Geneva", Image="images/secret-photo.png", Image_alt="The report's cover"
        )
        + "\n[The report]({static}/downloads/secret-report.pdf)\n",
        "updates/a.md": article() + "\n[Shared]({static}/downloads/shared.pdf)\n",
        "updates/b.md": article(Date=FUTURE) + "\n[Shared]({static}/downloads/shared.pdf)\n",
        "actions/kit.md": action(Kind="download", Url=None, File="downloads/kit.pdf", Starts=FUTURE),
        "images/secret-photo.png": PNG,
        "downloads/secret-report.pdf": b"%PDF-1.4 secret",
        "downloads/shared.pdf": b"%PDF-1.4 shared",
        "downloads/kit.pdf": b"%PDF-1.4 kit",
        "downloads/unused.pdf": b"%PDF-1.4 unused",
    }
    build = build_site(files, settings="publishconf.py")
    assert build.returncode == 0, build.log
    written = {p.relative_to(build.output).as_posix() for p in build.output.rglob("*") if p.is_file()}
    assert {"downloads/shared.pdf", "downloads/unused.pdf"} <= written
    assert not {"images/secret-photo.png", "downloads/secret-report.pdf", "downloads/kit.pdf"} & written
    preview = run_pelican(
        build.output.parent / "content", build.output.parent / "preview", extra=("-e", "PREVIEW=true")
    )
    assert (build.output.parent / "preview/downloads/secret-report.pdf").is_file(), preview.log


def test_check_warns_of_references_to_actions_not_open_yet(build_site):
    build = build_site(
        {"updates/a.md": article(Actions="soon") + "\n[action: soon]\n", "actions/soon.md": action(Starts=FUTURE)},
        extra=("-e", "CHECK_ONLY=true"),
    )
    assert build.returncode == 0, build.log
    assert re.search(
        r"^content/updates/a\.md:\d+: Actions: the action 'soon' opens on \w+ \d+, \d{4}; until then it is not shown",
        build.stdout,
        re.M,
    ), build.stdout
    assert re.search(r"^content/updates/a\.md:9: Body: the action 'soon' opens on", build.stdout, re.M), build.stdout


def test_check_warns_of_links_to_unpublished_items(build_site):
    build = build_site(embargo_site(), extra=("-e", "CHECK_ONLY=true"))
    assert build.returncode == 0, build.log
    out = build.stdout
    assert re.search(
        r"^content/updates/today\.md:8: Body: the link to content/press-releases/big-news\.md shows as plain "
        r"text until that item is published \(embargoed until .* \d\d:\d\d New York time \(E[SD]T, UTC-0[45]:00\)\)",
        out,
        re.M,
    ), out
    assert re.search(r"^content/updates/pins\.md:\d+: Related: 'big-news' is not published yet", out, re.M), out


def test_the_preview_banner_states_the_embargo_time_and_zone(build_site):
    build = build_site(embargo_site(), extra=("-e", "PREVIEW=true"))
    assert build.returncode == 0, build.log
    page = BeautifulSoup((build.output / "press-releases/big-news/index.html").read_text(), "html.parser")
    banner = page.select_one(".preview-banner").get_text(" ", strip=True)
    assert re.search(
        r"Embargoed: this goes live on \w+ \d+, \d{4} at 00:00 New York time \(E[SD]T, UTC-0[45]:00\)", banner
    ), banner
    spanish = BeautifulSoup((build.output / "es/press-releases/big-news/index.html").read_text(), "html.parser")
    assert "goes live with its original" in spanish.select_one(".preview-banner").get_text()
    today = BeautifulSoup((build.output / "updates/today/index.html").read_text(), "html.parser")
    assert today.select_one('.article-body a[href="/press-releases/big-news/"]'), (
        "in a preview, links lead to the draft"
    )


@pytest.mark.parametrize(
    "value, pattern",
    [
        ("06/12/2026", r"'06/12/2026' could be read two ways \(2026-12-06 or 2026-06-12\); write it as YYYY-MM-DD"),
        ("12/25/2026", r"'12/25/2026' is not written as YYYY-MM-DD; did you mean 2026-12-25\?"),
        ("2026/12/06", r"did you mean 2026-12-06\?"),
        ("next Tuesday", r"'next Tuesday' is not a date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM"),
        ("2026-12-06 9am", r"is not a date"),
        ("2026-12-06T09:00:00", r"is not a date"),
        ("2026-02-30", r"is not a date"),
    ],
)
def test_dates_are_written_one_way(build_site, value, pattern):
    build = build_site({"updates/a.md": article(Date=value)})
    assert_fails_with(build, rf"^content/updates/a\.md:2: Date: .*{pattern}")


def test_dates_with_a_time_and_an_offset(build_site):
    build = build_site(
        {"updates/a.md": article(Date="2024-03-15 09:30 +02:00"), "updates/b.md": article(Date="2024-03-15 09:30")}
    )
    assert build.returncode == 0, build.log
    times = {
        p: BeautifulSoup((build.output / f"updates/{p}/index.html").read_text(), "html.parser").select_one(
            ".published time"
        )["datetime"]
        for p in "ab"
    }
    assert times == {"a": "2024-03-15T09:30:00+02:00", "b": "2024-03-15T09:30:00-04:00"}


def test_a_translation_without_an_original_is_an_error(build_site):
    build = build_site(
        {"updates/a.md": article(), "updates/b-es.md": article(Slug="nope", Lang="es", Translation="true")}
    )
    assert_fails_with(
        build, r"^content/updates/b-es\.md:\d+: Slug: 'nope' is not the slug of a file in the site's language"
    )


def test_a_language_the_site_does_not_have(build_site):
    build = build_site(
        {
            "updates/a.md": article(),
            "updates/a-sp.md": article(Slug="a", Lang="sp", Translation="true"),
            "updates/c.md": article(Lang="../../tmp"),
        }
    )
    assert_fails_with(
        build,
        r"^content/updates/a-sp\.md:\d+: Lang: 'sp' is not a language of this site; "
        rf"write one of: {', '.join(setting('LANGUAGES'))}; did you mean 'es'\?",
        r"^content/updates/c\.md:\d+: Lang: '\.\./\.\./tmp' is not a language of this site",
    )


# --- 4. One owner per output path -----------------------------------------------------------


@pytest.mark.parametrize(
    "files, patterns",
    [
        (
            {"updates/🚸.md": article(Title="Children at the border")},
            [
                r"^content/updates/🚸\.md: Slug: the file name '🚸\.md' has no letters or digits "
                r"to make an address from; name the file with some, such as 'children-at-the-border\.md'"
            ],
        ),
        (
            {"pages/search.md": "Title: Search tips\n\nText.\n"},
            [r"^content/pages/search\.md: Slug: /search/ would also be written by the search page"],
        ),
        (
            {"pages/archives.md": "Title: Old\n\nText.\n"},
            [r"^content/pages/archives\.md: Slug: /archives/ would also be written by the archives page"],
        ),
        (
            {
                "updates/a.md": article(Date="2024-03-15"),
                "pages/old.md": "Title: Old\nSave_as: archives/2024/index.html\n\nText.\n",
            },
            [
                r"^content/pages/old\.md:2: Save_as: /archives/2024/ would also be written by the archives of 2024; "
                r"change its 'Save_as:' line"
            ],
        ),
        (
            {"pages/a.md": "Title: Map\nSlug: sitemap.xml\n\nText.\n"},
            [r"^content/pages/a\.md:2: Slug: 'sitemap\.xml' is not an address"],
        ),
        ({"pages/:.md": "Title: Map\nSlug: \n\nText.\n"}, [r"^content/pages/:\.md:2: Slug: is empty; remove the line"]),
        (
            {"pages/a.md": "Title: Map\nSave_as: sitemap.xml\n\nText.\n"},
            [r"^content/pages/a\.md:2: Save_as: 'sitemap\.xml' is not a file of the site"],
        ),
        (
            {"pages/a.md": "Title: Map\nSave_as: ../../escape.html\n\nText.\n"},
            [r"^content/pages/a\.md:2: Save_as: '\.\./\.\./escape\.html' is not a file"],
        ),
        (
            {"pages/a.md": "Title: Theme\nSave_as: theme/css/site.css.html\n\nText.\n"},
            [r"^content/pages/a\.md:2: Save_as: /theme/css/site\.css\.html would also be written by the theme's files"],
        ),
        (
            {"pages/get-involved.md": "Title: Help\n\nText.\n"},
            [r"^content/pages/get-involved\.md: Slug: /get-involved/ would also be written by the Get Involved page"],
        ),
        (
            {
                "pages/es.md": "Title: Es\n\nText.\n",
                "pages/home.md": "Title: Home\nSave_as: index.html\nURL:\nTemplate: home\n\nHi.\n",
                "pages/home-es.md": (
                    "Title: Inicio\nSlug: home\nLang: es\nTranslation: true\n"
                    "Save_as: es/index.html\nURL: es/\nTemplate: home\n\nHola.\n"
                ),
            },
            [r"^content/pages/es\.md: Slug: /es/ would also be written by content/pages/home-es\.md"],
        ),
        (
            {"actions/a.md": action(Slug="actions.json")},
            [r"^content/actions/a\.md:\d+: Slug: 'actions\.json' is not an address"],
        ),
        (
            {"pages/a.md": "Title: A\nTemplate: search\n\nText.\n"},
            [
                r"^content/pages/a\.md:2: Template: 'search' is not a layout for this kind of file; "
                r"write one of: page, home"
            ],
        ),
        (
            {"updates/2024/b.md": article()},
            [
                r"^content/updates/2024/b\.md: Folder: a file goes directly in content/updates/, "
                r"not in a folder inside it"
            ],
        ),
        (
            {"updates/:/b.md": article()},
            [r"^content/updates/:/b\.md: Folder: a file goes directly in content/updates/"],
        ),
        ({"🚸/b.md": article()}, [r"^content/🚸/b\.md: Folder: the folder '🚸/' is not a type of content"]),
        (
            {"updates/b.md": article(Tags="🚸")},
            [r"^content/updates/b\.md:4: Tags: '🚸' has no letters or digits to make the topic's address from"],
        ),
    ],
)
def test_every_output_path_has_one_owner(build_site, files, patterns):
    build = build_site({"updates/a.md": article(), **files})
    assert_fails_with(build, *patterns)


# --- 5. Actions are a graph -----------------------------------------------------------------


def test_two_actions_with_one_slug(build_site):
    build = build_site(
        {"updates/a.md": article(), "actions/one.md": action(Slug="sign"), "actions/two.md": action(Slug="sign")}
    )
    assert_fails_with(
        build,
        r"^content/actions/two\.md:\d+: Slug: 'sign' is already the slug of content/actions/one\.md",
        r"^content/actions/one\.md:\d+: Slug: 'sign' is also the slug of content/actions/two\.md",
    )


def test_a_followup_loop_is_an_error(build_site):
    build = build_site(
        {
            "updates/a.md": article(),
            "actions/a.md": action(Outcome="closed", Followup="b"),
            "actions/b.md": action(Outcome="closed", Followup="a"),
        }
    )
    assert_fails_with(
        build,
        r"^content/actions/a\.md:\d+: Followup: the follow-ups go round in a loop \(a → b → a\)",
        r"^content/actions/b\.md:\d+: Followup: the follow-ups go round in a loop \(b → a → b\)",
    )


def test_a_followup_chain_reaches_the_first_live_action(build_site):
    build = build_site(
        {
            "updates/a.md": article(Actions="first"),
            "actions/first.md": action(Title="First", Outcome="closed", Followup="second"),
            "actions/second.md": action(Title="Second", Outcome="closed", Followup="third"),
            "actions/third.md": action(Title="Third"),
        }
    )
    assert build.returncode == 0, build.log
    page = BeautifulSoup((build.output / "updates/a/index.html").read_text(), "html.parser")
    followup = page.select_one('.sidebar [data-action="first"] .action-followup')
    assert followup["data-action"] == "third" and "Third" in followup.get_text()


def test_a_chain_with_no_live_end_warns_and_shows_no_dead_box(build_site):
    files = {
        "updates/a.md": article(Actions="first"),
        "actions/first.md": action(Title="First", Outcome="closed", Followup="second"),
        "actions/second.md": action(Title="Second", Outcome="closed"),
        "actions/live.md": action(Title="Live", Tags="Asylum"),
    }
    build = build_site(files)
    assert build.returncode == 0, build.log
    page = BeautifulSoup((build.output / "updates/a/index.html").read_text(), "html.parser")
    assert [box["data-action"] for box in page.select(".sidebar .action")] == ["live"]
    checked = run_pelican(
        build.output.parent / "content", build.output.parent / "checked", extra=("-e", "CHECK_ONLY=true")
    )
    assert re.search(
        r"^content/actions/first\.md:\d+: Followup: no action that is live follows 'first' \(first → second\)",
        checked.stdout,
        re.M,
    ), checked.stdout


def test_an_action_before_its_start_appears_nowhere_public(build_site):
    files = {
        "updates/a.md": article(Actions="soon") + "\n[action: soon]\n",
        "actions/soon.md": action(Title=f"Soon {SECRET}", Starts=FUTURE, Tags="Asylum"),
        "actions/now.md": action(Title="Now", Tags="Asylum"),
    }
    build = build_site(files, settings="publishconf.py", search=True)
    assert build.returncode == 0, build.log
    texts = output_text(build.output)
    assert not any(SECRET in text for text in texts.values())
    assert "get-involved/soon/index.html" not in texts
    assert '"soon"' not in texts["get-involved/actions.json"]
    page = BeautifulSoup(texts["updates/a/index.html"], "html.parser")
    assert not page.select(".action-inline") and [b["data-action"] for b in page.select(".sidebar .action")] == ["now"]


def test_an_action_before_its_start_shows_in_the_preview_with_a_banner(build_site):
    build = build_site(
        {"updates/a.md": article(), "actions/soon.md": action(Title="Soon", Starts=FUTURE)},
        extra=("-e", "PREVIEW=true"),
    )
    assert build.returncode == 0, build.log
    page = BeautifulSoup((build.output / "get-involved/soon/index.html").read_text(), "html.parser")
    assert "Scheduled: this action opens on" in page.select_one(".preview-banner").get_text()


# --- 6. Hints and scaffolding ---------------------------------------------------------------


@pytest.mark.parametrize("field", ["Summary", "Tags", "Location"])
def test_a_hint_left_in_any_field_is_an_error(build_site, field):
    build = build_site({"press-releases/a.md": article(**{"Location": "Washington", field: "TODO: the real thing"})})
    assert_fails_with(
        build, rf"^content/press-releases/a\.md:\d+: {field}: still holds the hint 'TODO: the real thing'"
    )


def test_a_word_that_starts_like_a_hint_is_not_one(build_site):
    build = build_site(
        {"updates/a.md": article(Summary="Todos los niños merecen protección.", Title="TODOS somos uno")}
    )
    assert build.returncode == 0, build.log


@pytest.mark.parametrize(
    "title, message",
    [
        ("🚸🚸", "has no letters or digits to make a file name from"),
        ("First line\nDate: 2020-01-01", "holds a line break"),
        ("TODO: a title", "write the real title"),
    ],
)
def test_new_refuses_titles_that_make_no_file(tmp_path, title, message):
    result = subprocess.run(
        [sys.executable, str(ROOT / "tasks.py"), "new", "update", title, "--content", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0 and message in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.rglob("*.md"))


# --- 7. Files that are not text -------------------------------------------------------------


def test_a_file_that_is_not_utf8(build_site):
    text = article(Title="Caf\xe9").encode("latin-1") + b"\nM\xe1s texto.\n"
    build = build_site({"updates/a.md": text, "actions/b.md": action(Title="Se\xf1al").encode("cp1252")})
    assert_fails_with(
        build,
        r"^content/updates/a\.md:1: not UTF-8 text: save it as UTF-8",
        r"^content/actions/b\.md:1: not UTF-8 text",
    )
    assert "Could not process" not in build.log


# --- the real site --------------------------------------------------------------------------


def test_the_real_content_passes_and_its_output_stays_inside(published):
    for path in published.output.rglob("*"):
        assert not path.is_symlink()
        assert os.path.realpath(path).startswith(os.path.realpath(published.output))


def test_the_real_production_build_holds_only_allowed_markup(published):
    assert unsafe_output(published.output) == []
