"""The preview of `livereload` (preview_server.py) in a real browser, at a phone's width: a failed
build's lines over the page being viewed, which stays under them; the lines as text, never as
HTML; a dialog with a heading that the keyboard closes; a fix reloads the page; nothing breaks
the pages' Content-Security-Policy."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import article

from .conftest import CSP_LISTENER, PHONE
from .test_accessibility import AXE_OPTIONS

DIALOG = "dialog.preview-problems"


def heading(page):
    """The page's h1 as read (typogrify joins its last two words with a no-break space)."""
    return page.locator("h1").inner_text().replace("\xa0", " ")


def test_a_failed_build_shows_its_lines_over_the_page_and_a_fix_reloads_it(browser, preview_site):
    site = preview_site({"updates/a.md": article(Title="The good title")})
    context = browser.new_context(**PHONE, service_workers="block", locale="en-US")
    context.add_init_script(CSP_LISTENER)
    console = []
    try:
        page = context.new_page()
        page.on("console", lambda message: console.append(message.text))
        page.goto(site.address + "/updates/a/", wait_until="load")
        assert heading(page) == "The good title"

        # An editor's text with markup in it: the overlay shows it as text.
        site.write("updates/a.md", article(Title="The good title", Date="<b>2024</b>-13-45"))
        dialog = page.get_by_role("dialog", name="The preview was not rebuilt")
        dialog.wait_for(state="visible", timeout=60_000)
        problems = site.status()["problems"]
        assert problems and problems[0].startswith("content/updates/a.md:2: Date: '<b>2024</b>-13-45'")
        assert dialog.get_by_role("heading", level=2).inner_text() == "The preview was not rebuilt"
        assert dialog.locator("li").all_inner_texts() == problems
        assert dialog.locator("b").count() == 0, "an editor's text was read as HTML"
        assert heading(page) == "The good title", "the last good page is under the lines"

        box = dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"], box
        assert page.evaluate(
            f"(() => {{ const d = document.querySelector('{DIALOG}'); return d.scrollWidth <= d.clientWidth; }})()"
        ), "the lines do not fit 360 px"
        results = Axe().run(page, context=DIALOG, options=AXE_OPTIONS)
        assert results.violations_count == 0, results.generate_report()

        assert page.evaluate("document.activeElement.closest('dialog') !== null"), "focus is not in the dialog"
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden", timeout=5_000)
        assert heading(page) == "The good title"

        with page.expect_navigation(timeout=60_000):
            site.write("updates/a.md", article(Title="The fixed title"))
        page.locator("h1", has_text="The fixed title").wait_for(timeout=10_000)
        assert page.locator(DIALOG).count() == 0
        violations = page.evaluate("window.__cspViolations") + [text for text in console if "Content Security" in text]
        assert violations == [], violations
    finally:
        context.close()


EDITS = {
    # edit: (the new file, what the page shows of it, the hold that keeps its build from ending)
    "text": (article(Title="The first title").replace("The body", "The new body"), ("p", "The new body"), "hold"),
    "title": (article(Title="A reworded title"), ("h1", "reworded"), "hold"),
    "topic": (article(Title="A reworded title", Tags="Asylum, Detention"), ("h1", "reworded"), "hold_writing"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_reloads_the_page_once_before_its_build_ends(browser, preview_site, edit):
    """A quick write of a new text or title (edited_page.py), or a build writing the page of an
    item with a new topic first, reloads the page before the build ends; the build then leaves the
    page as it was written, so it does not reload the page again."""
    text, (tag, shown), hold = EDITS[edit]
    site = preview_site({"updates/a.md": article(Title="The first title")})
    context = browser.new_context(**PHONE, service_workers="block", locale="en-US")
    try:
        page = context.new_page()
        page.goto(site.address + "/updates/a/", wait_until="load")
        first = site.status()
        getattr(site, hold).touch()  # the build waits at its start, or before the site is rendered (topic)
        with page.expect_navigation(timeout=30_000):
            site.write("updates/a.md", text)
        page.locator(tag, has_text=shown).first.wait_for(timeout=10_000)
        assert site.status()["build"] == first["build"], "the page reloaded before its build ended"
        page.evaluate("window.__sameDocument = true")
        getattr(site, hold).unlink()
        ended = site.status(since=first["build"])
        assert ended["good"] and ended["settled"] == {"/updates/a/": ended["edits"]}
        page.wait_for_timeout(1_500)  # time enough for a reload to start
        assert page.evaluate("window.__sameDocument === true"), "the page reloaded again after its build"
        assert page.locator(tag, has_text=shown).count() >= 1
    finally:
        context.close()
