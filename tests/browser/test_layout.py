"""Old phones and no JavaScript: at 360×740 nothing scrolls sideways and every tap target is at
least 24×24 CSS pixels; with JavaScript off, every page shows all its content, navigation and
calls to action, and they work. Screenshots of each page at phone and desktop widths go to
test-artifacts/screenshots/ for people to look at."""

import pytest

from .conftest import ARTICLES, PAGES, PHONE, SCREENSHOTS, SEARCHES

PHONE_WIDTH = PHONE["viewport"]["width"]
MIN_TARGET = 24  # WCAG 2.2, 2.5.8 Target Size (Minimum), AA

# Every link and control on the page that is smaller than 24×24, except links inside running
# text (WCAG 2.5.8's "inline" exception): an inline link in a paragraph, or in a list item, table
# cell, quote or caption of text that editors wrote (article and page bodies, summaries, pitches).
# Everything the templates make (menus, link lists, buttons, tags, share links) must be 24×24.
SMALL_TARGETS = """(minimum) => {
  const WRITTEN = ".article-body, .page-body, .standfirst, .home-intro, .action-pitch, .teaser-summary";
  const RUNNING_TEXT = "p, li, dd, td, th, blockquote, figcaption";
  const textOutside = (block, target) => {
    const copy = block.cloneNode(true);
    copy.querySelectorAll("a, button, input, select, textarea").forEach((el) => el.remove());
    return copy.textContent.trim().length > 0;
  };
  const small = [];
  const targets = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], "
    + "[tabindex]:not([tabindex='-1'])");
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // Not shown: display none, visibility hidden, or inside a closed <details>.
    if (!el.checkVisibility({visibilityProperty: true}) || box.width === 0 || box.height === 0) continue;
    if (style.display === "inline") {
      const block = el.parentElement.closest(RUNNING_TEXT);
      if (block && (block.closest(WRITTEN) || (block.matches("p") && textOutside(block, el)))) continue;
    }
    if (box.width < minimum || box.height < minimum) {
      small.push(`${Math.round(box.width)}×${Math.round(box.height)} ${el.outerHTML.slice(0, 140)}`);
    }
  }
  return small;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_on_a_phone_nothing_scrolls_sideways_and_targets_are_big_enough(visit, name):
    page = visit(name, viewport="phone").page
    if name in SEARCHES:  # open the filters that Pagefind shows closed on a phone
        closed = page.locator(".pagefind-ui__filter-block:not([open]) > summary")
        for _ in range(closed.count()):
            closed.first.click()
        assert page.locator(".pagefind-ui__filter-checkbox").first.is_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]")
    assert max(widths[:2]) <= PHONE_WIDTH, f"the page is {max(widths[:2])} px wide on a {PHONE_WIDTH} px screen"
    assert widths[2] == PHONE_WIDTH, "the page is zoomed out: something is wider than the screen"
    small = page.evaluate(SMALL_TARGETS, MIN_TARGET)
    assert small == [], "tap targets under 24×24:\n" + "\n".join(small)


@pytest.mark.parametrize("name", PAGES)
def test_without_javascript_everything_is_there_and_works(visit, name):
    seen = visit(name, javascript=False)
    page = seen.page
    assert page.evaluate("1 + 1") == 2  # Playwright's own evaluation still works; the page's scripts do not

    def visible(locator, what):
        assert locator.count() > 0, f"no {what}"
        for element in locator.all():
            box = element.bounding_box()
            assert element.is_visible() and box and box["width"] > 0 and box["height"] > 0, (
                f"{what} is not visible: {element.evaluate('(el) => el.outerHTML')[:200]}"
            )

    visible(page.locator(".main-nav a"), "main navigation")
    visible(page.locator(".footer-nav a"), "footer navigation")
    visible(page.locator("main h1"), "page title")
    assert len(page.locator("main").inner_text()) > 100, "main has hardly any text"
    # Every link goes somewhere by itself: none waits for a script.
    hrefs = page.eval_on_selector_all("a", "(links) => links.map((a) => a.getAttribute('href'))")
    assert hrefs and all(href and href.strip() and not href.startswith(("#!", "javascript:")) for href in hrefs)

    if name in ARTICLES:
        visible(page.locator(".article-body p"), "article text")
    if page.locator(".get-involved").count() or name in ("get-involved", "action"):
        visible(page.locator(".action a.button"), "call-to-action button")
    if name in SEARCHES:
        visible(page.locator("main .search-note").filter(has_text="JavaScript"), "note that search needs JavaScript")
        visible(page.locator("main form#search-form input[name=q]"), "search field")
        visible(page.locator("main form#search-form button[type=submit]"), "search button")

    # The skip link appears on the first Tab and leads into main.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("(el) => el === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= MIN_TARGET, "the skip link does not show on focus"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), "after the skip link, Tab does not go into main"


@pytest.mark.parametrize("name", sorted(set(PAGES) - set(SEARCHES)))
def test_without_javascript_a_page_shows_the_same_text(visit, name):
    """Every page but /search/ is the same without JavaScript: nothing waits for a script to appear."""
    with_js = visit(name).page.locator("body").inner_text()
    assert visit(name, javascript=False).page.locator("body").inner_text() == with_js


def test_without_javascript_the_search_form_searches(visit):
    """The search form is a plain GET form: it leads to /search/?q=..., which says what to do."""
    page = visit("home", javascript=False).page
    page.locator("header .site-search input[name=q]").fill("detention")
    with page.expect_navigation():
        page.locator("header .site-search button[type=submit]").click()
    assert page.url.endswith("/search/?q=detention")
    assert page.locator("main .search-note").filter(has_text="needs JavaScript").is_visible()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(visit, name, viewport):
    """A full-page screenshot of each kind of page, for people to look at (test-artifacts/screenshots/)."""
    page = visit(name, viewport=viewport).page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{viewport}.png"
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    assert path.stat().st_size > 1000


def test_the_spanish_search_page_finds_spanish_pages_and_speaks_spanish(visit):
    page = visit("search-es").page
    links = page.eval_on_selector_all(
        ".pagefind-ui__result-link", "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert links and all(link.startswith("/es/") for link in links), links
    # Pagefind UI takes its own words from <html lang="es">: its search box and result count.
    assert page.locator(".pagefind-ui__search-input").get_attribute("placeholder") == "Buscar"
    assert "resultado" in page.locator(".pagefind-ui__message").inner_text()
