"""The production build: fingerprinted theme files, the build manifest, nothing embargoed.

Unit tests of plugins/iwelcome/fingerprint.py, then checks on the real production build
(the `published` fixture: publishconf.py) and on small fixture sites.
"""

import hashlib
import json
import re
from urllib.parse import urlsplit

import pytest

from conftest import article, run_pelican
from iwelcome import build_manifest
from iwelcome.fingerprint import (
    FingerprintError,
    fingerprint_output,
    fingerprinted_name,
    is_fingerprinted,
    plan_names,
    rewrite,
)

SITEURL = "https://iwelcome.example"
HASHED = re.compile(r"\.[0-9a-f]{10}\.[a-z0-9]+$")


# --- plain functions ---------------------------------------------------------------------------


def test_the_name_carries_the_first_ten_hex_digits_of_the_sha256():
    digest = hashlib.sha256(b"body{}").hexdigest()[:10]
    assert fingerprinted_name("theme/css/site.css", b"body{}") == f"theme/css/site.{digest}.css"
    assert is_fingerprinted(f"theme/css/site.{digest}.css") and not is_fingerprinted("theme/css/site.css")
    assert fingerprinted_name("theme/css/site.css", b"body{ }") != fingerprinted_name("theme/css/site.css", b"body{}")


def test_references_are_rewritten_in_every_url_form_and_nowhere_else():
    renames = {
        "theme/css/site.css": "theme/css/site.0123456789.css",
        "theme/img/logo.png": "theme/img/logo.abcdef0123.png",
    }
    html = (
        f'<link href="{SITEURL}/theme/css/site.css"><img src="/theme/img/logo.png?v=1">'
        '<a href="../theme/img/logo.png#top">x</a> <link href="/theme/css/site.css.map"> '
        '<a href="/other/theme/css/site.cssx">y</a> {"logo": "https://iwelcome.example/theme/img/logo.png"}'
    )
    assert rewrite(html, renames, "updates/x/index.html")[0] == (
        f'<link href="{SITEURL}/theme/css/site.0123456789.css"><img src="/theme/img/logo.abcdef0123.png?v=1">'
        '<a href="../theme/img/logo.abcdef0123.png#top">x</a> <link href="/theme/css/site.css.map"> '
        '<a href="/other/theme/css/site.cssx">y</a> {"logo": "https://iwelcome.example/theme/img/logo.abcdef0123.png"}'
    )


def test_a_stylesheet_url_relative_to_itself_is_rewritten():
    renames = {"theme/img/logo.png": "theme/img/logo.abcdef0123.png"}
    css = (
        "a{background:url(../img/logo.png)} b{background:url('../img/logo.png?x#y')} "
        "c{background:url(data:image/png;base64,AA)}"
    )
    assert rewrite(css, renames, "theme/css/site.css")[0] == (
        "a{background:url(../img/logo.abcdef0123.png)} b{background:url('../img/logo.abcdef0123.png?x#y')} "
        "c{background:url(data:image/png;base64,AA)}"
    )


def test_a_stylesheet_gets_a_new_name_when_an_image_it_uses_changes():
    css = b"a{background:url(../img/logo.png)}"
    before = plan_names({"theme/css/site.css": css, "theme/img/logo.png": b"one"})
    after = plan_names({"theme/css/site.css": css, "theme/img/logo.png": b"two"})
    assert before["theme/img/logo.png"] != after["theme/img/logo.png"]
    assert before["theme/css/site.css"] != after["theme/css/site.css"], "the stylesheet names the image"
    unrelated = plan_names({"theme/css/site.css": b"a{}", "theme/img/logo.png": b"two"})
    assert unrelated["theme/css/site.css"] == fingerprinted_name("theme/css/site.css", b"a{}")


def test_files_that_name_each_other_still_get_names():
    names = plan_names({"theme/css/a.css": b"@import url(b.css);", "theme/css/b.css": b"@import url(a.css);"})
    assert all(is_fingerprinted(new) for new in names.values()) and len(names) == 2


def test_a_reference_relative_to_the_page_is_reported():
    renames = {"theme/css/site.css": "theme/css/site.0123456789.css"}
    text, page_relative = rewrite(
        '<link href="theme/css/site.css"><a href="/theme/css/site.css">', renames, "index.html"
    )
    assert page_relative == ["theme/css/site.css"]
    assert text == '<link href="theme/css/site.css"><a href="/theme/css/site.0123456789.css">'


@pytest.mark.parametrize(
    "href", ["theme/css/site.css", "/theme/css/site.css", "https://iwelcome.example/theme/css/site.css"]
)
def test_a_page_that_names_a_theme_file_by_its_old_name_stops_the_build(tmp_path, href):
    """Templates name theme files through asset(); a page that does not would lose its styles."""
    (tmp_path / "theme/css").mkdir(parents=True)
    (tmp_path / "theme/css/site.css").write_text("a{}")
    (tmp_path / "index.html").write_text(f'<link rel="stylesheet" href="{href}">')
    with pytest.raises(FingerprintError, match=r"index\.html names theme/css/site\.css"):
        fingerprint_output(tmp_path, "theme")
    assert (tmp_path / "theme/css/site.css").is_file(), "nothing is renamed when the build stops"


def test_pages_are_not_rewritten_and_a_stylesheet_names_the_images_it_uses_by_their_new_names(tmp_path):
    (tmp_path / "theme/css").mkdir(parents=True)
    (tmp_path / "theme/img").mkdir()
    (tmp_path / "theme/img/logo.png").write_bytes(b"png")
    (tmp_path / "theme/css/site.css").write_text("a{background:url(../img/logo.png)}")
    page = '<link rel="stylesheet" href="/theme/css/site.0123456789.css">'
    (tmp_path / "index.html").write_text(page)
    renames = fingerprint_output(tmp_path, "theme")
    assert (tmp_path / "index.html").read_text() == page
    logo = renames["theme/img/logo.png"].removeprefix("theme/")
    assert (tmp_path / renames["theme/css/site.css"]).read_text() == f"a{{background:url(../{logo})}}"


# --- the production build ------------------------------------------------------------------------


def test_every_theme_file_is_fingerprinted_and_named_after_its_bytes(published):
    theme_files = [p for p in (published.output / "theme").rglob("*") if p.is_file()]
    assert {p.suffix for p in theme_files} >= {".css", ".js", ".png"}
    for path in theme_files:
        assert HASHED.search(path.name), path
        original = HASHED.sub(path.suffix, path.name)
        if path.suffix not in (".css", ".js"):  # those are hashed after their references are rewritten
            assert path.name == fingerprinted_name(original, path.read_bytes()), path


def test_every_page_asks_for_theme_files_that_exist(published):
    asked = set()
    for path in published.output.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".css", ".js", ".txt") and path.name != build_manifest.NAME:
            text = path.read_text(encoding="utf-8")
            named = re.findall(r"theme/(?:css|js|img)/[\w.-]+", text)
            assert all(HASHED.search(name) for name in named), f"{path} names a theme file by its old name"
            asked |= set(re.findall(r"(?<=iwelcome\.example)/theme/[\w./-]+", text))
    assert {urlsplit(url).path.rsplit(".", 1)[-1] for url in asked} >= {"css", "js", "png"}
    for url in asked:
        assert HASHED.search(url), f"{url} has no content hash"
        assert published.file(url).is_file(), f"{url} is asked for but was not built"
    stylesheet = published.page("/").select_one('link[rel="stylesheet"]')["href"]
    assert urlsplit(stylesheet).path in asked


def test_the_build_manifest_says_where_the_site_goes_and_what_was_renamed(published):
    manifest = json.loads((published.output / build_manifest.NAME).read_text())
    assert manifest["siteurl"] == SITEURL
    for old, new in manifest["assets"].items():
        assert not (published.output / old).exists() and (published.output / new).is_file()
    indexed = json.loads((published.output / "pagefind/pagefind-entry.json").read_text())["languages"]
    assert manifest["search_index"] == {
        "pages": sum(lang["page_count"] for lang in indexed.values()),
        "languages": {code: lang["page_count"] for code, lang in indexed.items()},
    }


def test_a_preview_build_writes_no_manifest_and_removes_an_old_one(build_site, tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / build_manifest.NAME).write_text("{}")
    build = build_site({"updates/a.md": article()})
    assert build.returncode == 0, build.log
    assert not (output / build_manifest.NAME).exists()
    assert (output / "theme/css/site.css").is_file(), "fingerprinting is for production builds only"


def test_a_production_build_with_a_content_problem_leaves_no_manifest(build_site, tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / build_manifest.NAME).write_text("{}")
    build = build_site({"updates/a.md": article(Title=None)}, settings="publishconf.py")
    assert build.returncode == 1, build.log
    assert not (output / build_manifest.NAME).exists()


def test_embargoed_translations_are_not_written_in_production(build_site):
    build = build_site(
        {
            "updates/public.md": article(Title="Public"),
            "updates/public-es.md": article(
                Title="Público", Lang="es", Translation="true", Slug="public", Date="2999-01-01"
            ),
            "updates/embargoed.md": article(Title="Embargoed", Date="2999-01-01"),
            "updates/embargoed-es.md": article(
                Title="Embargado", Lang="es", Translation="true", Slug="embargoed", Date="2999-01-01"
            ),
            "actions/write.md": (
                "Title: Write to your representative\nKind: letter\nButton: Write\n"
                "Url: https://act.example/write\n\nFive minutes.\n"
            ),
            "actions/write-es.md": (
                "Title: Escriba a su representante\nSlug: write\nLang: es\nTranslation: true\nButton: Escribir\n\n"
                "Cinco minutos.\n"
            ),
        },
        settings="publishconf.py",
    )
    assert build.returncode == 0, build.log
    written = {p.relative_to(build.output).as_posix() for p in build.output.rglob("*.html")}
    assert "updates/public/index.html" in written
    assert not [p for p in written if p.startswith(("drafts/", "es/")) or "embargoed" in p], written
    assert not any("Embargado" in (build.output / p).read_text() for p in written)


def test_a_search_index_that_fails_stops_the_build_in_one_line_and_leaves_no_manifest(tmp_path):
    content = tmp_path / "content" / "updates"
    content.mkdir(parents=True)
    (content / "a.md").write_text(article())
    output = tmp_path / "output"
    output.mkdir()
    (output / "pagefind").write_text("a file where Pagefind needs its folder")
    build = run_pelican(tmp_path / "content", output, extra=("-e", "BUILD_MANIFEST=true"), search=True)
    assert build.returncode == 1, build.log
    assert "Traceback" not in build.log
    assert "the search index could not be made: Pagefind stopped" in build.log
    assert not (output / build_manifest.NAME).exists()
