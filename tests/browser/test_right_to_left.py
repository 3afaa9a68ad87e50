"""Arabic, right to left, measured where the reader sees it: the boxes, not only the attributes.
On the Arabic pages the start of the text is at the right edge of the page's column and the
direction-bearing marks mirror (a block's coloured edge, the petition bar's fill, the demands'
numbers, the skip link); the English pages, measured the same way, start at the left, which is
what shows that each measure can fail. No web font is downloaded, and a keyboard reaches the
skip link and the calls to action of the Arabic home page and hub."""

import pytest

from .conftest import ARABIC

SLACK = 2  # CSS pixels: rounding, and the width of a glyph's side bearing

# Where the first character of the page's first paragraph of running text is, and the edges of
# the column that holds it (the content box of the nearest .wrap): {first, column, paragraph}.
FIRST_CHARACTER = """(selector) => {
  const paragraph = [...document.querySelectorAll(selector)].find((p) => p.textContent.trim());
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT,
    {acceptNode: (node) => node.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
  const text = walker.nextNode();
  const start = text.textContent.search(/\\S/);
  const range = document.createRange();
  range.setStart(text, start);
  range.setEnd(text, start + 1);
  const box = (r) => ({left: r.left, right: r.right, top: r.top, width: r.width});
  const wrap = paragraph.closest(".wrap");
  const style = getComputedStyle(wrap);
  const outer = wrap.getBoundingClientRect();
  return {
    character: text.textContent[start],
    first: box(range.getBoundingClientRect()),
    paragraph: box(paragraph.getBoundingClientRect()),
    column: {left: outer.left + parseFloat(style.paddingLeft), right: outer.right - parseFloat(style.paddingRight)},
  };
}"""

# The first paragraph written in the page's language, on each kind of page measured.
RUNNING_TEXT = {
    "/ar/": ".home-intro > p",
    "/": ".home-intro > p",
    "ar-case-study": ".article-body > p",
    "/case-studies/sara-beltran-hernandez/": ".article-body > p",
    "/ar/get-involved/": ".page-header .standfirst",
    "/get-involved/": ".page-header .standfirst",
}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize(
    "arabic, english",
    [
        ("/ar/", "/"),
        ("ar-case-study", "/case-studies/sara-beltran-hernandez/"),
        ("/ar/get-involved/", "/get-involved/"),
    ],
)
def test_the_text_starts_at_the_right_edge_in_arabic_and_at_the_left_in_english(visit, arabic, english, viewport):
    page = visit(arabic, viewport=viewport).page
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    found = page.evaluate(FIRST_CHARACTER, RUNNING_TEXT[arabic])
    first, paragraph, column = found["first"], found["paragraph"], found["column"]
    assert "\u0600" <= found["character"] <= "\u06ff", f"the paragraph does not start with an Arabic letter: {found}"
    # The paragraph's first letter is at its right edge, and the paragraph starts at the column's
    # right edge (narrower than the column on a wide screen, it is pushed to the right).
    assert abs(first["right"] - paragraph["right"]) <= SLACK, found
    assert abs(paragraph["right"] - column["right"]) <= SLACK, found
    assert first["left"] > column["left"] + (column["right"] - column["left"]) / 2, found

    page = visit(english, viewport=viewport).page
    found = page.evaluate(FIRST_CHARACTER, RUNNING_TEXT[english])
    first, paragraph, column = found["first"], found["paragraph"], found["column"]
    assert abs(first["left"] - paragraph["left"]) <= SLACK and abs(paragraph["left"] - column["left"]) <= SLACK, found


EDGES = """(selector) => {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {left: box.left, right: box.right, borderLeft: parseFloat(style.borderLeftWidth),
          borderRight: parseFloat(style.borderRightWidth), paddingLeft: parseFloat(style.paddingLeft),
          paddingRight: parseFloat(style.paddingRight)};
}"""


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_marks_that_point_a_way_mirror(visit, viewport):
    for url, start, end in (("/ar/get-involved/", "right", "left"), ("/get-involved/", "left", "right")):
        page = visit(url, viewport=viewport).page
        # The petition's bar fills from the start: from the right in Arabic. (18,342 of 25,000.)
        bar = page.evaluate(EDGES, '[data-action="protect-children-at-the-border"] .progress-bar')
        track = page.evaluate(EDGES, '[data-action="protect-children-at-the-border"] .progress')
        inner = {"left": track["left"] + track["borderLeft"], "right": track["right"] - track["borderRight"]}
        assert abs(bar[start] - inner[start]) <= SLACK, (url, bar, track)
        assert abs(bar[end] - inner[end]) > 10, (url, bar, track)
        # An action's coloured edge is on the side where its text starts.
        action = page.evaluate(EDGES, ".action")
        assert action["border" + start.title()] == 6 and action["border" + end.title()] == 1, (url, action)

    for url, start, end in (("/ar/", "right", "left"), ("/", "left", "right")):
        page = visit(url, viewport=viewport).page
        # The demands' numbers sit at the start of each demand, in the room its padding leaves.
        demand = page.evaluate(EDGES, ".home-intro > ol > li")
        assert demand["padding" + start.title()] > 3 * demand["padding" + end.title()], (url, demand)
        number = page.evaluate(
            """() => {
              const li = document.querySelector(".home-intro > ol > li");
              const before = getComputedStyle(li, "::before");
              return {left: before.left, right: before.right, insetInlineStart: before.insetInlineStart};
            }"""
        )
        assert number[start] == "20px" and float(number[end].removesuffix("px")) > 100, (url, number)


@pytest.mark.parametrize("name", ["ar-home", "ar-get-involved"])
def test_keyboard_reaches_the_skip_link_at_the_right_then_a_call_to_action(visit, name):
    page = visit(name, javascript=False).page
    page.keyboard.press("Tab")
    skip = page.evaluate_handle("document.activeElement").as_element()
    assert skip.evaluate("(el) => el.matches('a.skip-link')")
    box = skip.bounding_box()
    width = page.evaluate("innerWidth")
    assert box["y"] >= 0 and width - (box["x"] + box["width"]) <= 16, f"the skip link is not at the right: {box}"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.action a.button')"):
            break
    else:
        pytest.fail("40 Tab presses do not reach a call to action")
    focused = page.evaluate_handle("document.activeElement").as_element()
    assert focused.is_visible() and focused.evaluate("(el) => getComputedStyle(el).outlineStyle") != "none"


@pytest.mark.parametrize("name", ARABIC)
def test_no_font_is_downloaded(visit, name):
    """System fonts only: no web font is asked for, and the page declares none."""
    seen = visit(name, fresh=True)
    fonts = [r.url for r in seen.responses if r.request.resource_type == "font"]
    assert fonts == [] and seen.page.evaluate("document.fonts.size") == 0


def test_the_arabic_search_page_speaks_arabic_and_finds_arabic_pages(visit):
    page = visit("ar-search").page
    links = page.eval_on_selector_all(
        ".pagefind-ui__result-link", "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert links and all(link.startswith("/ar/") for link in links), links
    # Pagefind UI takes its own words and direction from <html lang="ar">.
    assert page.locator(".pagefind-ui__search-input").get_attribute("placeholder") == "بحث"
    assert page.evaluate("getComputedStyle(document.querySelector('.pagefind-ui__search-input')).direction") == "rtl"

    # A filter's open/closed mark is at the end of its name, where it covers none of it (the left),
    # and the tick of a chosen value in its box, at the start (the right).
    def marks(page):
        return page.evaluate(
            """() => {
              const mark = getComputedStyle(document.querySelector(".pagefind-ui__filter-name"), "::after");
              const tick = getComputedStyle(document.querySelector(".pagefind-ui__filter-value"), "::before");
              return {mark: [mark.left, mark.right], tick: [tick.left, tick.right]};
            }"""
        )

    arabic, english = marks(page), marks(visit("search").page)
    assert arabic["mark"][0] == "6px" and arabic["tick"][1] == "8px", arabic
    assert english["mark"][1] == "6px" and english["tick"][0] == "8px", english
