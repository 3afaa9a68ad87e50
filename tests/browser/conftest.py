"""The real site in a real browser: Debian's Chromium, driven by Playwright for Python.

Session fixtures: the real site (the `site` fixture of tests/conftest.py: built once per test
session into a temporary folder, search index included), served on 127.0.0.1 by the site's own
server (site_server.py, which `tasks.py serve` uses too: a threaded `http.server` that answers a
missing page with 404.html and status 404, as the CDN does), and one Chromium for the whole
session. Chromium is the machine's own (/usr/bin/chromium, Debian's `chromium` package), started
with `executable_path`; Playwright never downloads a browser here. When it is missing, the set-up
installs it with apt-get if it runs as root, and otherwise fails with the command to run.

Every page a test opens goes through `visit`, which records every request the page makes (and
its response), and every Content-Security-Policy violation, both as the browser reports it on the
console and as the page's `securitypolicyviolation` events; the server keeps its own record of
what it answered, which also shows what Chromium fetches by itself, unseen by Playwright (such as
/favicon.ico). The privacy test and the weight budget read those records, and `visit` fails any
test whose page asked another host or a file that the site does not have. Pages load in one
reusable tab per viewport (its cache off, so each load fetches everything), or in a fresh
context when a test needs a true first visit.

Screenshots and the weight table go to test-artifacts/ (git-ignored); the weight table is also
printed at the end of the pytest run.
"""

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import ROOT, TYPES
from site_server import SiteHandler, make_server

CHROMIUM = "/usr/bin/chromium"
# Headless, as root (hence no sandbox), and quiet: without the background-networking flags
# Chromium itself calls Google (component updates, sync, field trials) while the tests run.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
WEIGHT_REPORT = ARTIFACTS / "weight.txt"

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Every kind of page a reader meets. The URLs are chosen from the built site (`pages`), so that
# they follow the content: the newest item of each type, the first topic, country and action.
ARTICLE_TYPES = {kind.type: folder for folder, kind in TYPES.items()}  # the contract's types of article
# Arabic, right to left: its home, a case study, the hub and its search page.
ARABIC = ["ar-home", "ar-case-study", "ar-get-involved", "ar-search"]
ARTICLES = [*ARTICLE_TYPES, "spanish", "ar-case-study"]  # the pages that are articles (translations too)
SEARCHES = ["search", "search-es", "ar-search"]  # the search page in each language, the only pages with scripts
PAGES = [  # each once (the Arabic search page is among both the searches and the Arabic pages)
    "home",
    *ARTICLE_TYPES,
    "type-listing",
    "topic",
    "country",
    "get-involved",
    "action",
    *SEARCHES,
    "spanish",
    "page",
    "topics",
    "archives",
    "404",
    *(name for name in ARABIC if name not in SEARCHES),
]
SEARCH_TERM = "asylum"  # /search/ is opened with a query, so that Pagefind's results are on it too
SEARCH_TERM_ES = "asilo"  # ... and /es/search/ with a Spanish one
SEARCH_TERM_AR = "اللجوء"  # ... and /ar/search/ with an Arabic one ("asylum")
NOT_FOUND = "/no-such-page/"


def ensure_system_package(is_present, package, what):
    """Install a Debian package the tests need (as root, with apt-get) or fail saying how to."""
    if is_present():
        return
    command = f"apt-get update && apt-get install -y {package}"
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(f"\n{what} is missing: installing the Debian package {package} ({command}) ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)
        if is_present():
            return
    pytest.fail(
        f"{what} is missing. Install it with `sudo sh -c '{command}'`, then run the tests again.", pytrace=False
    )


# --- the site, served -------------------------------------------------------------------------


class RecordingHandler(SiteHandler):
    """The site's own server (site_server.py: a missing page gets 404.html with status 404).

    Every answer goes into `served` as (path, status): the server's side of the record, which
    also sees what the browser fetches on its own and Playwright does not report (/favicon.ico).
    """

    def __init__(self, *args, served, **kwargs):
        self.served = served
        super().__init__(*args, **kwargs)

    def log_request(self, code="-", size="-"):
        self.served.append((self.path, int(code)))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served():
    """(path, status) of every request the test server answered, in order."""
    return []


@pytest.fixture(scope="session")
def server(site, served):
    """The built site on http://127.0.0.1:<free port>; the fixture stops the server after the session."""
    httpd = make_server(site.output, handler=RecordingHandler, served=served)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def pages(site):
    """{kind of page: its URL path} for every name in PAGES, chosen from the built site."""

    def first_link(url, selector):
        link = site.page(url).select_one(selector)
        assert link is not None, f"no `{selector}` on {url}"
        return link["href"]

    chosen = {"home": "/"}
    for name, folder in ARTICLE_TYPES.items():
        chosen[name] = first_link(f"/{folder}/", "main .teaser-title a")
    chosen["type-listing"] = "/updates/"
    chosen["topic"] = first_link("/topics/", "main .term-index a")
    chosen["country"] = first_link("/countries/", "main .term-index a")
    chosen["get-involved"] = "/get-involved/"
    chosen["action"] = first_link("/get-involved/", "main .action-permalink a")
    chosen["search"] = f"/search/?q={SEARCH_TERM}"
    chosen["search-es"] = f"/es/search/?q={SEARCH_TERM_ES}"
    spanish = [
        path for path in sorted(site.output.glob("es/*/*/index.html")) if path.parts[-3] in ARTICLE_TYPES.values()
    ]
    assert spanish, "no Spanish article was built"
    chosen["spanish"] = "/" + spanish[0].parent.relative_to(site.output).as_posix() + "/"
    chosen["page"] = "/about/"
    chosen["topics"] = "/topics/"
    chosen["archives"] = "/archives/"
    chosen["404"] = NOT_FOUND
    chosen["ar-home"] = "/ar/"
    chosen["ar-case-study"] = first_link("/ar/", "main .teaser-title a[href^='/ar/case-studies/']")
    chosen["ar-get-involved"] = "/ar/get-involved/"
    chosen["ar-search"] = f"/ar/search/?q={quote(SEARCH_TERM_AR)}"
    assert set(chosen) == set(PAGES)
    return chosen


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (installed with apt-get when missing), one for the whole session."""
    ensure_system_package(lambda: Path(CHROMIUM).is_file(), "chromium", f"Chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


# Reported by every page that a test opens with JavaScript on: what the page's own
# `securitypolicyviolation` events say (the browser reports the same on the console).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


@dataclass
class Visit:
    """One page load, with everything the page asked for while the test ran."""

    page: object
    url: str
    javascript: bool
    status: int = 0
    requests: list = field(default_factory=list)  # every URL the page (and its workers) requested
    responses: list = field(default_factory=list)  # Playwright Response objects, in order
    failures: list = field(default_factory=list)  # (URL, error) of requests that failed or were blocked
    console: list = field(default_factory=list)  # (type, text) of every console message

    def csp_violations(self):
        found = [text for kind, text in self.console if "Content Security Policy" in text]
        if self.javascript:
            found += self.page.evaluate("window.__cspViolations || []")
        return found

    def foreign_requests(self, origin):
        """Requests to anything but the local server. data: URLs are allowed (the CSP's img-src
        allows them for images); they never leave the browser."""
        local = urlsplit(origin).netloc
        return [url for url in self.requests if not url.startswith("data:") and urlsplit(url).netloc != local]


class Tab:
    """A browser context with one page, whose events go to the Visit it is showing."""

    def __init__(self, browser, viewport, javascript, cache):
        self.javascript = javascript
        self.context = browser.new_context(
            **VIEWPORTS[viewport], java_script_enabled=javascript, service_workers="block", locale="en-US"
        )
        if javascript:
            self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        if not cache:
            # Every load downloads everything, as a first visit does, and every request is seen.
            cdp = self.context.new_cdp_session(self.page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.current = Visit(page=self.page, url="about:blank", javascript=javascript)
        self.context.on("request", lambda request: self.current.requests.append(request.url))
        self.context.on("response", lambda response: self.current.responses.append(response))
        self.context.on("requestfailed", lambda request: self.current.failures.append((request.url, request.failure)))
        self.page.on("console", lambda message: self.current.console.append((message.type, message.text)))

    def open(self, url, search_results=False):
        self.current = Visit(page=self.page, url=url, javascript=self.javascript)
        response = self.page.goto(url, wait_until="load")
        self.current.status = response.status
        if self.javascript and search_results:
            self.page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
            self.page.wait_for_load_state("networkidle")
        return self.current

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def tabs(browser):
    """One reusable tab per (viewport, JavaScript on or off), its cache off; closed after the session."""
    opened = {}

    def tab(viewport, javascript):
        if (viewport, javascript) not in opened:
            opened[viewport, javascript] = Tab(browser, viewport, javascript, cache=False)
        return opened[viewport, javascript]

    yield tab
    for each in opened.values():
        each.close()


@pytest.fixture
def visit(browser, tabs, server, served, pages):
    """visit(name_or_path, viewport="desktop"|"phone", javascript=True, fresh=False) -> Visit.

    Loads the page (a name of PAGES or a path) and waits until it is complete; on a search page, until
    Pagefind has shown its results. By default in the session's tab for that viewport, whose
    cache is off: each load downloads everything. `fresh=True` opens a new browser context for
    this test alone (a first visit, as the weight budget wants). After the test, a request to any
    host but the local server fails it, and so does a request for a file the site does not have
    (other than NOT_FOUND, which tests ask for on purpose).
    """
    fresh_tabs, visits, first_served = [], [], len(served)

    def open_page(name_or_path, viewport="desktop", javascript=True, fresh=False):
        path = pages.get(name_or_path, name_or_path)
        if fresh:
            tab = Tab(browser, viewport, javascript, cache=True)
            fresh_tabs.append(tab)
        else:
            tab = tabs(viewport, javascript)
        visits.append(tab.open(server + path, search_results="/search/?" in path))
        return visits[-1]

    yield open_page
    try:
        for record in visits:
            foreign = record.foreign_requests(server)
            assert not foreign, f"{record.url} asked other hosts: {foreign}"
        missing = [path for path, status in served[first_served:] if status >= 400 and path != NOT_FOUND]
        assert not missing, f"the browser asked for files the site does not have: {missing}"
    finally:
        for tab in fresh_tabs:
            tab.close()


# --- the weight table ----------------------------------------------------------------------------

WEIGHTS = []  # one row per page, added by test_weight.py


def weight_table():
    if not WEIGHTS:
        return ""
    columns = ("page", "HTML", "CSS", "JS", "other", "images", "total without images", "gzipped", "requests")
    keys = ("html", "css", "js", "other", "images", "total", "gzip")
    rows = [
        (row["name"], *(f"{row[key] / 1024:.1f} KB" for key in keys), str(row["requests"]))
        for row in sorted(WEIGHTS, key=lambda row: -row["total"])
    ]
    widths = [max(len(columns[i]), *(len(row[i]) for row in rows)) for i in range(len(columns))]

    def line(cells):
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(columns), *map(line, rows)])


def pytest_terminal_summary(terminalreporter):
    table = weight_table()
    if not table:
        return
    terminalreporter.section(
        "weight of a first visit, heaviest first (bytes as served; gzipped: about what travels from a compressing CDN)"
    )
    terminalreporter.write_line(table)
    ARTIFACTS.mkdir(exist_ok=True)
    WEIGHT_REPORT.write_text(table + "\n", encoding="utf-8")
    terminalreporter.write_line(f"(also in {WEIGHT_REPORT.relative_to(ROOT)})")
