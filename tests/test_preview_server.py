"""The preview of `python3 tasks.py livereload` (preview_server.py): the last good site while it
rebuilds, the new page after, a failed build's lines, and output/ as a plain preview build.
(The overlay in a real browser: tests/browser/test_preview.py.)"""

import filecmp
import itertools
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import preview_server
from conftest import PNG, ROOT, article, run_pelican
from preview_server import (
    build_problems,
    page_address,
    quick_paths,
    reload_tag,
    settled_pages,
    status_after,
    with_reload_script,
)

# --- The pure parts -----------------------------------------------------------------------------


def test_the_reloader_goes_before_the_end_of_head_and_nothing_else_changes():
    page = b"<!doctype html><html><head><title>A</title></HEAD><body><p>Text</p></body></html>"
    sent = with_reload_script(page, 7)
    assert sent == (
        b"<!doctype html><html><head><title>A</title>"
        b'<script src="/__preview__/reload.js" data-build="7" data-edits="0" defer></script>'
        b"</HEAD><body><p>Text</p></body></html>"
    )


def test_the_reloader_goes_before_the_end_of_body_or_at_the_end_without_head():
    tag = b'<script src="/__preview__/reload.js" data-build="2" data-edits="0" defer></script>'
    assert with_reload_script(b"<p>A</p></body>", 2) == b"<p>A</p>" + tag + b"</body>"
    assert with_reload_script(b"<p>A</p>", 2) == b"<p>A</p>" + tag
    assert reload_tag(2) == tag


def test_a_failed_builds_problem_lines_are_its_indented_lines():
    stderr = (
        "The site was not built: 2 problems in the content. Fix each line below and build again.\n"
        "  content/updates/a.md:2: Date: '2024-13-45' is not a date\n"
        "  content/updates/b.md: Title: missing\n"
        "CRITICAL 2 problems in the content (listed above); nothing was written.\n"
    )
    assert build_problems(stderr) == [
        "content/updates/a.md:2: Date: '2024-13-45' is not a date",
        "content/updates/b.md: Title: missing",
    ]


def test_a_build_that_crashed_shows_its_last_line():
    crash = 'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nValueError: boom\n\n'
    assert build_problems(crash) == ["ValueError: boom"]
    assert build_problems("") == ["the build stopped without saying why: see the terminal"]


def test_a_status_request_is_answered_once_a_newer_build_has_ended_or_a_newer_quick_write():
    assert status_after({"build": 3, "edits": 0}, 2)
    assert not status_after({"build": 3, "edits": 0}, 3)
    assert status_after({"build": 3, "edits": 2}, 3, edits=1)
    assert not status_after({"build": 3, "edits": 2}, 3, edits=2)
    assert not status_after({"build": 3, "edits": 2}, 3)  # a request that knows no quick write


def test_a_quick_write_is_asked_for_the_files_of_a_save_in_the_content_that_are_there():
    content = Path("/site/content")
    there = {content / "updates" / "a.md", content / "images" / "a.jpg"}

    def ask(*names):
        return quick_paths([content / name for name in names], content, there.__contains__)

    assert ask("updates/a.md") == [content / "updates" / "a.md"]
    assert ask("updates/a.md", "updates/4913") == [content / "updates" / "a.md"]  # vim's test file, gone
    assert ask("updates/a.md", "updates/b.md") == []  # a deleted item: its page must go
    assert ask("updates/a.md", "updates/b.markdown") == []
    assert ask("updates/4913") == []
    assert quick_paths([content / "updates" / "a.md", Path("/site/theme/base.html")], content, there.__contains__) == []
    assert quick_paths([], content, there.__contains__) == []


def test_a_quick_page_is_settled_when_the_build_left_its_bytes_as_they_were():
    written = {"updates/a/index.html": (3, b"quick a"), "es/about.html": (2, b"quick about"), "b/index.html": (3, None)}
    now = {"updates/a/index.html": b"quick a", "es/about.html": b"the build's about", "b/index.html": b"b"}
    assert settled_pages(written, now.get) == {"/updates/a/": 3}
    assert settled_pages({}, now.get) == {}


def test_a_page_file_is_served_at_its_folder_address():
    assert page_address("updates/a/index.html") == "/updates/a/"
    assert page_address("index.html") == "/"
    assert page_address("es/about.html") == "/es/about.html"
    assert page_address("updates/not-index.html") == "/updates/not-index.html"


# --- The preview of a fixture site ----------------------------------------------------------------


def fetch(url):
    """(status, text) of a GET, whatever its status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def poll(predicate, what, seconds=60):
    """Poll every 20 ms until predicate() is true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def test_an_edit_is_served_after_its_build_and_the_last_page_meanwhile(preview_site):
    site = preview_site({"updates/a.md": article(Title="The first title")})
    page = site.address + "/updates/a/"
    assert "The first title" in fetch(page)[1]
    first = site.status()
    site.hold.touch()  # the next build waits at its start until the test lets it go
    site.write("updates/a.md", article(Title="The first title", Tags="Detention"))  # a topic: no quick write
    poll(lambda: site.status()["building"], "the build of the edit")

    started = time.monotonic()
    status, html = fetch(page)
    assert status == 200 and "/topics/asylum/" in html and "/topics/detention/" not in html
    assert time.monotonic() - started < 2, "the server answered slowly while it built"
    assert site.status()["building"], "the page was answered during the build"

    site.hold.unlink()
    after = site.status(since=first["build"])
    assert after["good"] and after["build"] == first["build"] + 1
    status, html = fetch(page)
    assert status == 200 and "/topics/detention/" in html and "/topics/asylum/" not in html


def test_a_broken_file_gives_its_lines_and_the_last_good_page_until_it_is_fixed(preview_site):
    site = preview_site({"updates/a.md": article(Title="The good title")})
    first = site.status()
    site.write("updates/a.md", article(Title="The good title", Date="2024-13-45"))
    failed = site.status(since=first["build"])
    assert failed["good"] is False
    assert len(failed["problems"]) == 1
    assert failed["problems"][0].startswith("content/updates/a.md:2: Date: '2024-13-45' is not a date")
    assert "The good title" in fetch(site.address + "/updates/a/")[1]

    site.write("updates/a.md", article(Title="The fixed title"))
    fixed = site.status(since=failed["build"])
    assert fixed["good"] and fixed["problems"] == []
    assert "The fixed title" in fetch(site.address + "/updates/a/")[1]


def test_every_page_gets_the_reloader_and_output_is_a_plain_preview_build(preview_site, tmp_path):
    files = {"updates/a.md": article(Title="Families win"), "pages/about.md": "Title: About\n\nWho we are.\n"}
    site = preview_site(files)
    poll(lambda: site.status()["search"] == "ready", "the search index")
    for path in ("/updates/", "/updates/a/", "/about/", "/no-such-page/"):
        status, html = fetch(site.address + path)
        assert html.count('<script src="/__preview__/reload.js" data-build="1" data-edits="0" defer></script>') == 1, (
            path
        )
    assert status == 404

    written = [path for path in site.output.rglob("*") if path.is_file() and b"__preview__" in path.read_bytes()]
    assert written == [], "the reloader was written into output/"
    plain = run_pelican(site.content, tmp_path / "plain", extra=["-e", "PREVIEW=true"], search=True)
    assert plain.returncode == 0, plain.log
    differ = []

    def compare(result, prefix=""):
        differ.extend(prefix + name for name in result.left_only + result.right_only + result.diff_files)
        for name, sub in result.subdirs.items():
            compare(sub, prefix + name + "/")

    compare(filecmp.dircmp(site.output, plain.output))
    assert differ == [], "the preview's output differs from a preview build's"


def test_the_reloader_and_its_style_are_served_from_the_preview(preview_site):
    site = preview_site({"updates/a.md": article()})
    with urllib.request.urlopen(site.address + "/__preview__/reload.js", timeout=10) as answer:
        assert answer.headers["Content-Type"].startswith("text/javascript")
        assert b"textContent" in answer.read()
    with urllib.request.urlopen(site.address + "/__preview__/reload.css", timeout=10) as answer:
        assert answer.headers["Content-Type"].startswith("text/css")
    assert fetch(site.address + "/__preview__/nothing")[0] == 404


def test_before_the_first_build_a_page_says_it_is_being_built_and_reloads_after(preview_site):
    site = preview_site({"updates/a.md": article(Title="Families win")}, hold=True)
    poll(lambda: site.status()["building"], "the first build")
    status, html = fetch(site.address + "/updates/a/")
    assert status == 503 and "The preview is being built" in html
    assert '<script src="/__preview__/reload.js" data-build="0" data-edits="0" defer></script>' in html
    site.output.mkdir(exist_ok=True)
    (site.output / "es").mkdir(exist_ok=True)  # a folder without index.html: never listed
    assert fetch(site.address + "/es/")[0] == 503
    site.hold.unlink()
    assert site.status(since=0)["good"]
    assert fetch(site.address + "/updates/a/")[0] == 200
    status, html = fetch(site.address + "/es/")
    assert status == 404 and "Directory listing" not in html


def test_a_change_to_the_plugin_is_in_the_next_build(tmp_path):
    """The builds are forks of a worker that imported the plugin: a change to plugins/ starts a
    new worker, so the next build runs the plugin as it is now."""
    plugins = Path(
        shutil.copytree(ROOT / "plugins", tmp_path / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    )
    settings = tmp_path / "copyconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(plugins)!r}]\n",
        encoding="utf-8",
    )
    (tmp_path / "content" / "updates").mkdir(parents=True)
    (tmp_path / "content" / "updates" / "a.md").write_text(article(), encoding="utf-8")
    output = tmp_path / "output"
    running = preview_server.start(
        tmp_path / "content", output, settings=settings, cache=tmp_path / "cache", plugins=plugins
    )
    try:
        first = running.preview.wait_for_build(0, timeout=120)
        assert first["good"] and not (output / "marker.txt").exists()
        with open(plugins / "iwelcome" / "__init__.py", "a", encoding="utf-8") as plugin:
            plugin.write(
                "\n\nfrom pathlib import Path\n\n\ndef _marker(pelican):\n"
                "    (Path(pelican.output_path) / 'marker.txt').write_text('the changed plugin')\n\n\n"
                "signals.finalized.connect(_marker)\n"
            )
        after = running.preview.wait_for_build(first["build"], timeout=120)
        assert after["good"], after
        assert (output / "marker.txt").read_text() == "the changed plugin"
    finally:
        running.stop()


def test_the_pages_of_a_deleted_and_a_renamed_file_are_gone_after_the_rebuild(preview_site):
    site = preview_site({"updates/stays.md": article(Title="Stays"), "updates/goes.md": article(Title="Goes")})
    assert fetch(site.address + "/updates/goes/")[0] == 200
    first = site.status()
    (site.content / "updates" / "goes.md").unlink()
    (site.content / "updates" / "stays.md").rename(site.content / "updates" / "moved.md")
    assert site.status(since=first["build"])["good"]
    # The build that writes the new page has seen both changes; then its end (a burst of changes
    # may make two builds, and a page is written before its build ends).
    poll(
        lambda: fetch(site.address + "/updates/moved/")[0] == 200 and not site.status()["building"],
        "the build with the renamed file's page",
    )
    assert fetch(site.address + "/updates/goes/")[0] == 404
    assert fetch(site.address + "/updates/stays/")[0] == 404


# --- Quick writes: an edit to an item's text alone, written before its build (edited_page.py) ------


def article_with(body, **fields):
    return article(**fields).replace("The body of the article.\n", body.rstrip("\n") + "\n")


def page_file(site, name="updates/a"):
    return site.output / name / "index.html"


def test_an_edit_to_the_text_alone_is_served_before_its_build_and_the_build_writes_the_same_bytes(preview_site):
    site = preview_site(
        {
            "updates/a.md": article_with("The first text, with [a link](/updates/b/).", Title="The first title"),
            "updates/b.md": article(Title="Another update"),
        }
    )
    first = site.status()
    site.hold.touch()  # the build of the edit waits at its start: what is served meanwhile is the quick page
    site.write(
        "updates/a.md",
        article_with("The *second* text, with [a link](/updates/b/).\n\n- one\n- two", Title="The first title"),
    )
    poll(lambda: site.status()["edits"] > first["edits"], "the quick write")
    assert "second</em> text" in fetch(site.address + "/updates/a/")[1]
    during = site.status()
    assert during["build"] == first["build"], "served before its build ended (it waits at its start)"
    assert during["edits"] == first["edits"] + 1 and during["edited"] == ["/updates/a/"]
    assert f'data-edits="{during["edits"]}"' in fetch(site.address + "/updates/a/")[1]
    quick = page_file(site).read_bytes()
    listing = (site.output / "updates" / "index.html").read_bytes()

    site.hold.unlink()
    after = site.status(since=first["build"])
    assert after["good"]
    assert page_file(site).read_bytes() == quick, "the build wrote another page than the quick write"
    assert after["settled"] == {"/updates/a/": during["edits"]}
    assert (site.output / "updates" / "index.html").read_bytes() == listing


def two_updates_held(preview_site):
    """(site, its status, the bytes of a's page) of a preview of two updates, a and b, whose next
    build waits at its start until the test removes site.hold."""
    site = preview_site(
        {
            "updates/a.md": article_with("The first text.", Title="The first title"),
            "updates/b.md": article(Title="Another update"),
        }
    )
    first, before = site.status(), page_file(site).read_bytes()
    site.hold.touch()
    return site, first, before


def test_a_new_title_alone_is_served_before_its_build_and_the_build_writes_the_same_bytes(preview_site):
    site, first, _before = two_updates_held(preview_site)
    listing = (site.output / "updates" / "index.html").read_bytes()
    site.write("updates/a.md", article_with("The first text.", Title="The reworded title"))
    poll(lambda: site.status()["edits"] > first["edits"], "the quick write")
    page = BeautifulSoup(fetch(site.address + "/updates/a/")[1], "html.parser")
    assert words(page.h1) == "The reworded title"  # typogrify joins the last two words with a no-break space
    assert words(page.title).startswith("The reworded title")
    during = site.status()
    assert during["build"] == first["build"], "served before its build ended (it waits at its start)"
    assert during["edited"] == ["/updates/a/"]
    assert (site.output / "updates" / "index.html").read_bytes() == listing, "only the edited page is written quickly"
    quick = page_file(site).read_bytes()

    site.hold.unlink()
    after = site.status(since=first["build"])
    assert after["good"]
    assert page_file(site).read_bytes() == quick, "the build wrote another page than the quick write"
    assert after["settled"] == {"/updates/a/": during["edits"]}
    assert "The reworded title" in words(
        BeautifulSoup((site.output / "updates" / "index.html").read_bytes(), "html.parser")
    )


PICTURED = {"Image": "images/court.png", "Image_alt": "The court house"}


@pytest.mark.parametrize(
    ("edited", "new", "page_name"),
    [
        ("pages/about.md", "Title: About the campaign today\n\nWho we are.\n", "about"),
        (
            "updates/a-es.md",
            article(Title="Las familias ganan hoy", Slug="a", Lang="es", Translation="true"),
            "es/updates/a",
        ),
        ("updates/a.md", article(Title="Families win again", **PICTURED), "updates/a"),  # it has a translation
        (
            "updates/a.md",
            article(Title="Families win", **{**PICTURED, "Image_alt": "Four families outside"}),
            "updates/a",
        ),
    ],
)
def test_a_new_title_or_image_text_of_a_page_a_translation_or_an_original_is_written_quickly_as_its_build_writes_it(
    preview_site, edited, new, page_name
):
    site = preview_site(
        {
            "images/court.png": PNG,
            "updates/a.md": article(Title="Families win", **PICTURED),
            "updates/a-es.md": article(Title="Las familias ganan", Slug="a", Lang="es", Translation="true"),
            "pages/about.md": "Title: About\n\nWho we are.\n",
        }
    )
    first = site.status()
    others = {name: page_file(site, name).read_bytes() for name in ("updates/a", "es/updates/a", "about")}
    site.hold.touch()
    site.write(edited, new)
    poll(lambda: site.status()["edits"] > first["edits"], "the quick write")
    quick = page_file(site, page_name).read_bytes()
    assert quick != others[page_name]
    for name, before in others.items():
        if name != page_name:
            assert page_file(site, name).read_bytes() == before, f"{name} was written before its build"
    site.hold.unlink()
    after = site.status(since=first["build"])
    assert after["good"]
    assert page_file(site, page_name).read_bytes() == quick, "the build wrote another page than the quick write"


def words(element):
    return " ".join(element.get_text().split())


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        ({"Date": "2024-03-16"}, "a date: the archives and listings are in its order"),
        ({"Tags": "Asylum, Detention"}, "a topic: the topic's page lists it"),
        ({"Title": "A new title", "Summary": "Another summary."}, "a summary beside a title: listings show it"),
        ({"Title": ""}, "an error in a field"),
        ({"body": "The text, linking to [a page](/updates/nothing-here/) the site does not have."}, "an error"),
        ({"body": "The text, now linking to [another update](/updates/b/)."}, "a new link to the site"),
    ],
)
def test_an_edit_beyond_the_text_or_with_an_error_waits_for_its_build(preview_site, edit, why):
    site, first, before = two_updates_held(preview_site)
    fields = {"Title": "The first title", **{key: value for key, value in edit.items() if key != "body"}}
    site.write("updates/a.md", article_with(edit.get("body", "The first text."), **fields))
    poll(lambda: site.status()["building"], "the build of the edit")  # a quick write comes before it
    assert site.status()["edits"] == first["edits"], why
    assert page_file(site).read_bytes() == before, why
    site.hold.unlink()
    after = site.status(since=first["build"])
    if why.startswith("an error"):  # nothing written, first or later
        assert after["good"] is False and after["edits"] == first["edits"]
        assert page_file(site).read_bytes() == before
    else:
        assert after["good"] and page_file(site).read_bytes() != before


@pytest.mark.parametrize(
    ("edit", "body"),
    [
        ({"Title": ""}, "The first text."),
        ({}, "The text, linking to [a page](/updates/nothing-here/) the site does not have."),
    ],
)
def test_with_the_checks_in_a_helper_an_edit_with_an_error_is_not_written_first_though_its_page_was_rendered(
    preview_site, edit, body
):
    """The build prepares and renders the edited page while a helper checks the site; the checks
    fail, so the page is not written, first or later, and the problems are shown."""
    site = preview_site(
        {
            "updates/a.md": article_with("The first text.", Title="The first title"),
            "updates/b.md": article(Title="Another update"),
        },
        PARALLEL_CHECKS=1,
    )
    first = site.status()
    before = page_file(site).read_bytes()
    site.write("updates/a.md", article_with(body, **{"Title": "The first title", "Tags": "Asylum, Detention", **edit}))
    after = site.status(since=first["build"])
    assert after["good"] is False and after["problems"], after
    assert after["edits"] == first["edits"], "nothing was written first"
    assert page_file(site).read_bytes() == before
    assert not (site.output / "topics" / "detention").exists()


@pytest.mark.parametrize("checks_in_a_helper", [False, True])
def test_an_edit_beyond_the_text_is_served_once_its_build_wrote_that_page_first_and_the_build_leaves_it(
    preview_site, checks_in_a_helper
):
    """Checked in the build's process, or in a helper while the build prepares and renders the
    page (parallel_checks.py): the page is written only once they passed, and it is the build's."""
    site = preview_site(
        {
            "updates/a.md": article_with("The first text.", Title="The first title"),
            "updates/b.md": article(Title="Another update"),
        },
        PARALLEL_CHECKS=1 if checks_in_a_helper else 0,
    )
    first = site.status()
    listing = site.output / "updates" / "index.html"
    site.hold_writing.touch()  # the build waits once prepared: after the edited page, before the rest
    site.write("updates/a.md", article_with("The first text.", Title="The reworded title", Tags="Asylum, Detention"))
    poll(lambda: site.status()["edits"] > first["edits"], "the page written first")
    during = site.status()
    assert during["building"] and during["build"] == first["build"]
    assert during["edited"] == ["/updates/a/"]
    html = fetch(site.address + "/updates/a/")[1]
    assert "reworded" in html and f'data-edits="{during["edits"]}"' in html
    assert "reworded" not in listing.read_text(encoding="utf-8"), "only the edited page is written first"
    assert not (site.output / "topics" / "detention").exists()
    written_first = page_file(site).read_bytes()

    site.hold_writing.unlink()
    after = site.status(since=first["build"])
    assert after["good"]
    assert page_file(site).read_bytes() == written_first, "the build wrote another page than it wrote first"
    assert after["settled"] == {"/updates/a/": during["edits"]}
    assert "reworded" in listing.read_text(encoding="utf-8")


def test_a_quick_page_is_put_back_when_its_build_fails_and_written_by_the_build_once_fixed(preview_site):
    site, first, before = two_updates_held(preview_site)
    site.write("updates/a.md", article_with("The second version of the text.", Title="The first title"))
    poll(lambda: "second version" in fetch(site.address + "/updates/a/")[1], "the quick page")
    site.write("updates/b.md", article(Title="Another update", Date="2024-13-45"))  # read by the held build
    site.hold.unlink()
    failed = site.status(since=first["build"])
    assert failed["good"] is False
    assert page_file(site).read_bytes() == before, "a failed build left a quick page behind"

    site.write("updates/b.md", article(Title="Another update"))
    poll(lambda: site.status()["good"] and not site.status()["building"], "the build of the fix")
    assert "second version" in fetch(site.address + "/updates/a/")[1]


def test_after_a_failed_build_a_save_is_left_to_its_build_which_alone_says_whether_it_fixed_it(preview_site):
    site = preview_site({"updates/a.md": article_with("The first text.", Title="The first title")})
    first = site.status()
    site.write("updates/a.md", article_with("The first text.", Title="The first title", Date="2024-13-45"))
    failed = site.status(since=first["build"])
    assert failed["good"] is False and failed["problems"]
    site.hold.touch()
    site.write("updates/a.md", article_with("The second text.", Title="The second title"))  # fixed, and edited
    poll(lambda: site.status()["building"], "the build of the fix")
    assert site.status()["edits"] == failed["edits"], "written quickly under the last build's problems"
    site.hold.unlink()
    after = site.status(since=failed["build"])
    assert after["good"] and after["problems"] == []
    assert "The second text." in words(BeautifulSoup(fetch(site.address + "/updates/a/")[1], "html.parser"))


_started = {}  # {the test's preview_site: its site}, across Hypothesis's examples
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("*_`[]()<>&#!-\n"), max_size=80
)


def one_preview(preview_site, **values):
    """(site, its status, the bytes of a's page) of the one preview of update a that all of a
    Hypothesis test's examples share, started by the first (with the settings `values`)."""
    if preview_site not in _started:
        files = {"updates/a.md": article_with("The first text.", Title="The first title")}
        _started[preview_site] = preview_site(files, **values)
    site = _started[preview_site]
    return site, site.status(), page_file(site).read_bytes()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXT, min_size=1, max_size=3))
def test_whatever_an_edit_to_the_text_is_a_quick_page_is_the_page_its_build_writes(preview_site, texts):
    """Text from anywhere (markup, entities, any script): a quick write either does not happen, or
    writes the bytes the build then writes; and a build that fails leaves the last good page
    (quick_write_then_build)."""
    quick_write_then_build(preview_site, article_with("\n\n".join(texts) or "Text.", Title="The first title"))


def quick_write_then_build(preview_site, text):
    """Save `text` as update a in the one preview of the test's examples, its build held at its
    start: a quick write either does not happen, or writes the bytes the build then writes; a build
    that fails had nothing written quickly, and leaves the last good page."""
    site, first, good_before = one_preview(preview_site)
    site.hold.touch()
    site.write("updates/a.md", text)
    poll(lambda: site.status()["building"], "the build of the edit")  # a quick write comes before it
    during = site.status()
    quick = page_file(site).read_bytes() if during["edits"] > first["edits"] else None
    event("written quickly" if quick is not None else "left to the build")
    site.hold.unlink()
    site.status(since=first["build"])
    poll(lambda: not site.status()["building"], "the builds of the edit")
    after = site.status()
    if after["good"] and quick is not None:
        assert page_file(site).read_bytes() == quick
    if not after["good"]:
        assert quick is None and page_file(site).read_bytes() == good_before


TITLE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")) | st.sampled_from("*_`[]()<>&#!-:"),
    min_size=1,
    max_size=60,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TITLE)
def test_whatever_a_new_title_is_a_quick_page_is_the_page_its_build_writes(preview_site, title):
    """A title from anywhere (markup, entities, any script), the title alone changed: a quick write
    either does not happen, or writes the bytes the build then writes; a build whose checks fail
    leaves the last good page (quick_write_then_build)."""
    quick_write_then_build(preview_site, article_with("The first text.", Title=title))


_topics = itertools.count()  # a new topic at each example: the edit is never the title alone


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TITLE)
def test_whatever_a_new_title_and_topic_are_the_page_written_first_is_the_page_its_build_writes(preview_site, title):
    """A title from anywhere with a new topic (not a quick write: the topic's page lists it): the
    page its build writes first, once the checks passed, is byte for byte the page that build then
    writes; a build whose checks fail writes nothing, first or later. The checks run in a helper
    while the build prepares and renders that page (parallel_checks.py), as on a large site."""
    site, first, good_before = one_preview(preview_site, PARALLEL_CHECKS=1)
    site.hold_writing.touch()
    site.write("updates/a.md", article_with("The first text.", Title=title, Tags=f"Asylum, Topic {next(_topics)}"))
    poll(
        lambda: site.waiting_to_write.exists() or site.status()["build"] > first["build"],
        "the build of the edit, held before it renders the site or ended",
    )
    during = site.status()
    written_first = page_file(site).read_bytes() if during["edits"] > first["edits"] else None
    event("written first" if written_first is not None else "nothing written first")
    site.hold_writing.unlink()
    poll(lambda: not site.status()["building"] and site.status()["build"] > first["build"], "the builds of the edit")
    after = site.status()
    assert during["build"] == first["build"] or not after["good"], "a new topic is not written quickly"
    if after["good"] and written_first is not None:
        assert page_file(site).read_bytes() == written_first
    if not after["good"]:
        assert written_first is None and page_file(site).read_bytes() == good_before
