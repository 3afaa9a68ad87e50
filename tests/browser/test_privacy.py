"""Privacy in the browser: no page asks any host but the site's own, and the Content-Security-Policy
(a meta tag, the `CONTENT_SECURITY_POLICY` setting) holds: nothing on the site breaks it, and it
does block what it should, such as an inline script."""

import re

import pytest

from conftest import ROOT, setting

from .conftest import PAGES

POLICY = setting("CONTENT_SECURITY_POLICY")
HEADER_ONLY = "frame-ancestors 'none'"  # what a meta tag cannot carry; the CDN's header adds it


@pytest.mark.parametrize("name", PAGES)
def test_every_request_stays_on_this_site_and_nothing_breaks_the_policy(visit, server, name):
    seen = visit(name)
    assert seen.status == (404 if name == "404" else 200), seen.url
    assert seen.requests and seen.requests[0] == seen.url
    assert seen.foreign_requests(server) == [], "a request left the site"
    assert seen.csp_violations() == [], "the page breaks its Content-Security-Policy"
    # The policy is in a meta tag, first in <head> after the charset, so it covers everything.
    first = seen.page.evaluate("[...document.head.children].slice(0, 2).map((el) => el.outerHTML)")
    assert first[0] == '<meta charset="utf-8">'
    assert first[1] == f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'


def test_the_policy_allows_no_inline_script_and_nothing_from_elsewhere():
    directives = dict(d.strip().split(" ", 1) for d in POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"  # Pagefind's WebAssembly, on /search/
    assert "unsafe-inline" not in POLICY and "unsafe-eval'" not in POLICY.replace("wasm-unsafe-eval'", "")
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
    assert all(not re.search(r"https?:|\*", value) for value in directives.values()), "another host is allowed"


def test_the_browser_enforces_the_policy(visit):
    """An inline script and a script or image from another host are refused, and reported."""
    seen = visit("press-release")
    page = seen.page
    page.evaluate("""() => {
      const inline = document.createElement("script");
      inline.textContent = "window.__inlineRan = true";
      document.head.append(inline);
      const image = new Image();
      image.src = "https://tracker.invalid/pixel.gif";
      document.body.append(image);
    }""")
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert page.evaluate("window.__inlineRan") is None, "an inline script ran"
    assert any(v.startswith("script-src-elem blocked inline") for v in seen.csp_violations())
    assert any(v.startswith("img-src blocked https://tracker.invalid") for v in seen.csp_violations())
    # Playwright reports the image's request, which Chromium stopped before it left the browser.
    assert ("https://tracker.invalid/pixel.gif", "csp") in seen.failures, seen.failures
    seen.requests.remove("https://tracker.invalid/pixel.gif")  # the one request this test makes on purpose


def test_the_readme_documents_the_same_policy_for_the_cdn_header():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Content-Security-Policy", 1)[1].split("\n## ", 1)[0]
    assert "CONTENT_SECURITY_POLICY" in section
    header = re.search(r"```\n(Content-Security-Policy: .*?)\n```", section, re.S).group(1)
    assert header == f"Content-Security-Policy: {POLICY}; {HEADER_ONLY}"
