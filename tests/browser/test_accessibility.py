"""Accessibility in the browser: axe-core finds nothing against WCAG 2.2 A and AA on any kind of
page, at phone and desktop widths; a keyboard reaches the skip link first and an article's call
to action soon after, with a focus style one can see."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import ARTICLES, PAGES

# axe-core's tags for WCAG 2.0, 2.1 and 2.2, levels A and AA. (WCAG 2.2 added no level-A
# criterion that axe tests, so axe has no "wcag22a" tag.)
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}

# Tab presses allowed from the top of an article to its first call to action: the header has
# about a dozen stops (skip link, site name, six menu items, search field and button, language
# switch), and an article about 20 before the sidebar (type label, links in the text, five share
# links, topics and countries): 21 to 28 presses on today's articles. 40 leaves room for a longer
# article, and still says that the call to action is not buried.
MAX_TABS_TO_ACTION = 40

AXE = Axe()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_22_aa_violation(visit, name, viewport):
    page = visit(name, viewport=viewport).page
    results = AXE.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


FOCUS_STYLE = """(element) => {
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
      ? `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}` : "",
    shadow: style.boxShadow === "none" ? "" : style.boxShadow,
    inViewport: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
      && box.bottom <= innerHeight && box.right <= innerWidth,
    focusVisible: element.matches(":focus-visible"),
  };
}"""


def focused(page):
    return page.evaluate_handle("document.activeElement").as_element()


def focus_style(element):
    return element.evaluate(FOCUS_STYLE)


def assert_visible_focus(element, what):
    style = focus_style(element)
    assert style["focusVisible"], f"{what} is not :focus-visible"
    assert style["outline"] or style["shadow"], f"{what} has no focus outline: {style}"
    assert style["inViewport"], f"{what} is not on screen when focused"
    # The style comes from focus: without it, the element has neither that outline nor shadow.
    element.evaluate("(el) => el.blur()")
    unfocused = focus_style(element)
    assert (unfocused["outline"], unfocused["shadow"]) != (style["outline"], style["shadow"]), (
        f"{what} looks the same focused and not"
    )


@pytest.mark.parametrize("name", ARTICLES)
def test_keyboard_reaches_skip_link_first_then_the_call_to_action(visit, name):
    page = visit(name).page
    cta = page.locator(".get-involved .action a.button, .sidebar .action a").first
    assert cta.count() == 1, "the article has no call to action"
    cta_href = cta.get_attribute("href")

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip.evaluate("(el) => el.matches('a.skip-link[href=\"#main\"]')"), (
        f"the first Tab stop is {skip.evaluate('(el) => el.outerHTML')}, not the skip link"
    )
    style = focus_style(skip)
    assert style["inViewport"], "the skip link does not show when focused"
    assert style["outline"] or style["shadow"], f"the focused skip link has no focus outline: {style}"

    for presses in range(2, MAX_TABS_TO_ACTION + 1):  # noqa: B007 - read after the loop: the Tab stop it took
        page.keyboard.press("Tab")
        element = focused(page)
        if element and element.evaluate(
            "(el, href) => el.matches('.action a') && el.getAttribute('href') === href", cta_href
        ):
            break
    else:
        pytest.fail(f"{MAX_TABS_TO_ACTION} Tab presses do not reach the call to action ({cta_href})")
    print(f"{name}: the call to action is Tab stop {presses}")
    assert_visible_focus(element, f"the call to action ({cta_href})")

    # The skip link leads to the main content: following it moves the next Tab stop into <main>.
    page.goto(page.url)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page).evaluate("(el) => !!el.closest('main')"), "after the skip link, Tab does not go into main"
