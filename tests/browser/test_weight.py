"""Light pages, measured in the browser: on a first visit (a fresh context, nothing cached), each
page's HTML is at most 40 KB, and everything an article downloads except images is at most
100 KB. Sizes are the bytes of each response body as the browser received it, uncompressed (the
CDN compresses, so what travels is smaller). The table of every page, heaviest first, is printed
at the end of the run and written to test-artifacts/weight.txt."""

import gzip

import pytest

from .conftest import ARTICLES, PAGES, WEIGHTS

KB = 1024
HTML_BUDGET = 40 * KB
ARTICLE_BUDGET = 100 * KB  # all but images, on a first visit to an article
KINDS = {"document": "html", "stylesheet": "css", "script": "js", "image": "images"}


def kind_of(response):
    if response.headers.get("content-type", "").startswith("image/"):
        return "images"  # the favicon too, which Chromium fetches as "other"
    return KINDS.get(response.request.resource_type, "other")  # fetch: Pagefind's index and WASM


@pytest.mark.parametrize("name", PAGES)
def test_first_visit_weight(visit, name):
    seen = visit(name, fresh=True)
    # Chromium fetches the favicon after the page has loaded: wait for it, so that it is counted.
    icon = seen.page.locator("link[rel=icon]").get_attribute("href")
    if icon and not any(r.url.endswith(icon) for r in seen.responses):
        seen.page.wait_for_event("response", lambda r: r.url.endswith(icon), timeout=5_000)
    row = {
        "name": name,
        "html": 0,
        "css": 0,
        "js": 0,
        "other": 0,
        "images": 0,
        "gzip": 0,
        "requests": len(seen.requests),
    }
    for response in seen.responses:
        body, kind = response.body(), kind_of(response)
        row[kind] += len(body)
        if kind != "images":
            row["gzip"] += len(gzip.compress(body))  # about what travels when the CDN compresses
    row["total"] = row["html"] + row["css"] + row["js"] + row["other"]
    WEIGHTS.append(row)
    documents = [r for r in seen.responses if r.request.resource_type == "document"]
    assert len(documents) == 1, [r.url for r in documents]
    assert row["html"] <= HTML_BUDGET, f"{name}: the HTML is {row['html'] / KB:.1f} KB"
    if name in ARTICLES:
        assert row["total"] <= ARTICLE_BUDGET, f"{name}: a first visit downloads {row['total'] / KB:.1f} KB"


def test_no_html_file_of_the_site_is_over_budget(site):
    """Every page the build wrote, not only those the browser opens."""
    heavy = {
        str(path.relative_to(site.output)): path.stat().st_size
        for path in site.html_files()
        if path.stat().st_size > HTML_BUDGET
    }
    assert heavy == {}
