"""Site search: the Pagefind index built after the site (conftest.py builds it as `invoke build`
does) and the /search/ page that uses it.

The query tests run a real search: Node.js (`node` on PATH, version 20 or newer, which CI has)
loads the built pagefind/pagefind.js, the same ES module the browser loads, and searches the
index it fetches from the built site served on 127.0.0.1.
"""

import gzip
import json
import re
import shutil
import subprocess
import threading
from datetime import date
from urllib.parse import urlsplit

import pytest

from conftest import CONTENT, TYPES, metadata, setting
from iwelcome import search, stable_index
from site_server import SiteHandler, make_server

CASE_STUDY = "/case-studies/sara-beltran-hernandez/"  # the one English case study that says "aspirin"
FRAGMENT_PREFIX = b"pagefind_dcd"  # Pagefind 1.x: a fragment is gzip("pagefind_dcd" + JSON)


def english_articles():
    """(url, type label, topics) of every published article in the site's default language."""
    today = date.today().isoformat()
    for folder, kind in TYPES.items():
        for path in sorted((CONTENT / folder).glob("*.md")):
            meta = metadata(path)
            if meta.get("lang", "en") != "en" or meta.get("status", "published") != "published":
                continue
            if meta.get("date", "")[:10] > today:  # embargoed: not built yet
                continue
            topics = sorted(filter(None, (t.strip() for t in meta.get("tags", "").split(","))))
            yield f"/{folder}/{meta.get('slug', path.stem)}/", kind.label, topics


def fragments(site):
    """{url: fragment} of every page in the index, read from Pagefind's own files."""
    found = {}
    for path in sorted((site.output / "pagefind/fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(FRAGMENT_PREFIX), path
        fragment = json.loads(raw[len(FRAGMENT_PREFIX) :])
        found[fragment["url"]] = fragment
    return found


# The <script> types a browser runs. Any other type is a data block that never runs, such as the
# JSON-LD (type="application/ld+json") that pages carry for search engines.
RUN_TYPES = {
    "",
    "module",
    "importmap",
    "speculationrules",
    "text/javascript",
    "application/javascript",
    "text/ecmascript",
    "application/ecmascript",
}


def executable_scripts(page):
    return [s for s in page.find_all("script") if s.get("type", "").strip().lower() in RUN_TYPES]


def test_the_index_is_built_with_its_scripts(site):
    bundle = site.output / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    assert list((bundle / "index").glob("*.pf_index")), "no word index"
    assert list((bundle / "fragment").glob("*.pf_fragment")), "no page fragments"
    assert list((bundle / "filter").glob("*.pf_filter")), "no filter index"


def test_every_page_marked_for_search_is_in_the_index_of_its_language(site):
    marked = {}
    for path in site.html_files():
        html = path.read_text(encoding="utf-8")
        if "data-pagefind-body" in html:
            lang = re.search(r'<html lang="([^"]+)"', html).group(1)
            marked[lang] = marked.get(lang, 0) + 1
    entry = json.loads((site.output / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: info["page_count"] for lang, info in entry["languages"].items()} == marked
    assert marked["en"] >= 10, marked
    urls = set(fragments(site))
    assert {url for url, _, _ in english_articles()} <= urls
    assert not any(url.startswith(("/search/", "/topics/", "/archives/", "/pagefind/")) for url in urls), urls


def test_type_and_topic_filters_are_in_the_index(site):
    by_url = fragments(site)
    for url, label, topics in english_articles():
        filters = by_url[url]["filters"]
        assert filters.get("type") == [label], url
        assert sorted(filters.get("topic", [])) == topics, url
    assert any(len(f["filters"].get("topic", [])) > 1 for f in by_url.values())


DEFAULT_LANG = setting("DEFAULT_LANG")
# The search page of each language of the site: /search/, /es/search/, /ar/search/.
SEARCH_PAGES = {lang: "/search/" if lang == DEFAULT_LANG else f"/{lang}/search/" for lang in setting("LANGUAGES")}


@pytest.mark.parametrize("url", SEARCH_PAGES.values())
def test_the_search_pages_load_their_scripts_from_this_site_and_no_other_page_has_a_script(site, url):
    page = site.page(url)
    scripts = executable_scripts(page)
    assert [s.get("src") for s in scripts] == ["/pagefind/pagefind-ui.js", "/theme/js/search.js"]
    for script in scripts:
        assert script.has_attr("defer") and not script.get_text().strip(), script
        assert site.file(script["src"]).is_file(), script["src"]
    stylesheets = [link["href"] for link in page.select("head link[rel~=stylesheet]")]
    assert "/pagefind/pagefind-ui.css" in stylesheets and site.file("/pagefind/pagefind-ui.css").is_file()
    assert page.select_one("#search.search-ui"), "the container Pagefind UI fills"
    # Ready for a Content-Security-Policy without 'unsafe-inline': no inline styles or handlers.
    for element in page.find_all(True):
        assert "style" not in element.attrs, element
        assert not any(attr.startswith("on") for attr in element.attrs), element
    for path in site.html_files():
        if path not in [site.file(search_page) for search_page in SEARCH_PAGES.values()]:
            url = "/" + str(path.relative_to(site.output))
            assert executable_scripts(site.page(url)) == [], f"{url} runs a script"


def test_the_search_form_works_without_javascript(site):
    page = site.page("/search/")
    assert [h.get_text(strip=True) for h in page.find_all("h1")] == ["Search"]
    form = page.select_one("main form#search-form")
    assert form["action"] == "/search/" and form.get("method", "get").lower() == "get"
    field = form.select_one("input[name=q]")
    label = form.select_one(f"label[for={field['id']}]")
    assert label and label.get_text(strip=True), "the query field has a visible label"
    assert form.select_one("button[type=submit]")


def test_without_javascript_the_search_page_says_so_and_links_elsewhere(site):
    note = site.page("/search/").select_one("main noscript")
    assert note is not None
    assert "needs JavaScript" in note.get_text(" ", strip=True)
    assert {a["href"] for a in note.find_all("a")} == {"/topics/", "/countries/", "/archives/"}


def test_indexing_again_gives_the_same_bytes(site, tmp_path):
    """Pagefind 1.5.2 alone writes its filter files in a different order on every run (and so
    names them differently); stable_index.py puts them in order, so the same site gives the
    same index, byte for byte, and a deploy of an unchanged site uploads nothing."""
    again = tmp_path / "site"
    shutil.copytree(site.output, again, ignore=shutil.ignore_patterns("pagefind"))
    search.build_search_index(again)
    first = {p.relative_to(site.output): p.read_bytes() for p in (site.output / "pagefind").rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in (again / "pagefind").rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert first == second


def test_the_index_files_are_read_and_written_back_unchanged(site):
    """stable_index.py rewrites Pagefind's CBOR: its reader and writer must agree with Pagefind's
    own encoding on every file, or it would change more than the order."""
    import cbor2

    bundle = site.output / "pagefind"
    chunks = [*bundle.glob("index/*.pf_index"), *bundle.glob("filter/*.pf_filter"), *bundle.glob("*.pf_meta")]
    assert len(chunks) >= 5
    for path in chunks:
        data = gzip.decompress(path.read_bytes())
        assert cbor2.dumps(cbor2.loads(data[len(FRAGMENT_PREFIX) :])) == data[len(FRAGMENT_PREFIX) :], path
    for path in bundle.glob("filter/*.pf_filter"):
        _name, values = stable_index.read_chunk(path)
        assert [value for value, _pages in values] == sorted(value for value, _pages in values), path


NODE_SEARCH = """
import { pathToFileURL } from "node:url";
const [bundle, basePath, lang, ...queries] = process.argv.slice(2);
// pagefind.js picks the index of the page's language from <html lang>, as on /search/.
globalThis.document = {
  currentScript: null,
  querySelector: (s) => (s === "html" ? { getAttribute: () => lang } : null),
};
const pagefind = await import(pathToFileURL(bundle + "/pagefind.js").href);
await pagefind.options({ basePath });
const answers = { filters: await pagefind.filters(), results: [] };
for (const query of queries) {
  const [term, filters] = JSON.parse(query);
  const search = await pagefind.search(term, { filters });
  answers.results.push(await Promise.all(search.results.map(async (result) => (await result.data()).url)));
}
console.log(JSON.stringify(answers));
"""


@pytest.fixture(scope="module")
def served(site):
    """The built site on http://127.0.0.1:<free port>/, as a browser gets it (site_server.py)."""

    class Quiet(SiteHandler):
        def log_message(self, *args):
            pass

    server = make_server(site.output, handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def node_search(site, served, tmp_path, *queries, page="/search/"):
    """Real searches with Pagefind's own pagefind.js in Node, in the language of the search page.

    Each query is [term, filters]. Returns Pagefind's filters ({name: {value: count}}) and, for
    each query, the URL paths of its results, best first.
    """
    node = shutil.which("node")
    assert node, "this test needs Node.js 20 or newer (`node` on PATH) to run Pagefind's pagefind.js"
    script = tmp_path / "search.mjs"
    script.write_text(NODE_SEARCH, encoding="utf-8")
    result = subprocess.run(
        [
            node,
            str(script),
            str(site.output / "pagefind"),
            f"{served}/pagefind/",
            site.page(page).html["lang"],
            *map(json.dumps, queries),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    answers = json.loads(result.stdout)
    return answers["filters"], [[urlsplit(url).path for url in urls] for urls in answers["results"]]


def test_a_search_for_a_word_of_a_case_study_finds_it(site, served, tmp_path):
    filters, (word, only_case_studies, only_updates, nonsense) = node_search(
        site,
        served,
        tmp_path,
        ["aspirin", {}],
        ["aspirin", {"type": "Case study"}],
        ["aspirin", {"type": "Update"}],
        ["xqzvtwklmnp", {}],
    )
    assert CASE_STUDY in word
    assert only_case_studies == [CASE_STUDY]
    assert only_updates == [] and nonsense == []
    assert set(filters) == {"type", "topic"}
    assert set(filters["type"]) == {kind.label for kind in TYPES.values()}
    assert {"Asylum", "Detention", "Health care"} <= set(filters["topic"])


def test_the_spanish_search_page_searches_the_spanish_pages(site, served, tmp_path):
    page = site.page("/es/search/")
    assert page.html["lang"] == "es" and page.h1.get_text(strip=True) == "Buscar"
    assert page.select_one("#search-form")["action"] == "/es/search/"
    assert (
        "JavaScript" in page.select_one("noscript").get_text()
        and "Puede encontrar" in page.select_one("noscript").get_text()
    )
    filters, (spanish, english_word) = node_search(
        site,
        served,
        tmp_path,
        ["aspirinas", {}],
        ["aspirin", {}],
        page="/es/search/",
    )
    assert f"/es{CASE_STUDY}" in spanish, "the Spanish case study, found in the Spanish index"
    assert all(url.startswith("/es/") for url in spanish)
    assert CASE_STUDY not in english_word, "the English pages are not in the Spanish index"
    assert set(filters) == {"tipo", "tema"}, "the filters have Spanish names"
    assert "Caso" in filters["tipo"] and "Detención" in filters["tema"]


def test_the_arabic_search_page_searches_the_arabic_pages(site, served, tmp_path):
    page = site.page("/ar/search/")
    assert (page.html["lang"], page.html["dir"]) == ("ar", "rtl") and page.h1.get_text(strip=True) == "بحث"
    assert page.select_one("#search-form")["action"] == "/ar/search/"
    assert "يحتاج البحث إلى JavaScript" in page.select_one("noscript").get_text()  # the browser setting's name
    assert page.select_one("#search")["data-filters"] == "النوع الموضوع"
    filters, (arabic, in_damascus, english_word) = node_search(
        site,
        served,
        tmp_path,
        ["الأسبرين", {}],
        ["دمشق", {"النوع": "خبر"}],
        ["aspirin", {}],
        page="/ar/search/",
    )
    assert arabic == [f"/ar{CASE_STUDY}"], "the Arabic case study, found in the Arabic index"
    assert in_damascus == ["/ar/updates/ghina-ahmad-wadi-evacuated-to-damascus/"]
    assert english_word == [], "the English pages are not in the Arabic index"
    assert set(filters) == {"النوع", "الموضوع"}, "the filters have Arabic names"
    assert {"قصة حالة", "خبر"} <= set(filters["النوع"]) and "الاحتجاز" in filters["الموضوع"]


def test_each_page_searches_in_its_own_language(site):
    for url, search_page in (
        ("/", "/search/"),
        ("/es/", "/es/search/"),
        (f"/es{CASE_STUDY}", "/es/search/"),
        (CASE_STUDY, "/search/"),
        ("/ar/", "/ar/search/"),
        (f"/ar{CASE_STUDY}", "/ar/search/"),
    ):
        assert site.page(url).select_one("form.site-search")["action"] == search_page, url
    # Each search page links every other, and the default language's for readers of any other.
    for search_page in SEARCH_PAGES.values():
        assert {link["hreflang"]: link["href"] for link in site.page(search_page).select("link[hreflang]")} == {
            **SEARCH_PAGES,
            "x-default": "/search/",
        }
