"""Pages rendered again only when what they show changed (render_cache.py), and never wrong.

The site's own content is edited step by step (a title, a tag added and removed, a new file, a
deleted one, a renamed one, a body, an action's day passing, a translation, an image, a template,
a setting, a broken file and its fix); after each step the rebuild, in the same output folder and
cache, must give exactly the files, byte for byte, of a clean build of the same content.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, problem_lines, run_pelican

ACTION = "world-refugee-day-2027"  # Starts and Ends 2027-06-20


def files_of(folder):
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def differences(rebuilt, clean):
    a, b = files_of(rebuilt), files_of(clean)
    return sorted(
        [f"only in the rebuild: {p}" for p in a.keys() - b.keys()]
        + [f"only in the clean build: {p}" for p in b.keys() - a.keys()]
        + [f"differs: {p}" for p in a.keys() & b.keys() if a[p] != b[p]]
    )


class Workspace:
    """A copy of the site's content and theme, rebuilt in place after each edit."""

    def __init__(self, tmp_path, monkeypatch):
        self.tmp = tmp_path
        self.monkeypatch = monkeypatch
        self.content = tmp_path / "content"
        self.theme = tmp_path / "theme"
        shutil.copytree(ROOT / "content", self.content)
        shutil.copytree(ROOT / "theme", self.theme)
        self.output = tmp_path / "rebuilt"
        self.timings = tmp_path / "timings.json"
        self.settings = {"THEME": str(self.theme)}
        self.today = "2027-06-19"
        self.clean_builds = 0

    def build(self, output):
        self.monkeypatch.setenv("IWELCOME_TODAY", self.today)
        values = {**self.settings, "PLUGIN_TIMINGS_FILE": str(self.timings)}
        extra = ["-e", *(f"{name}={json.dumps(value)}" for name, value in values.items())]
        return run_pelican(self.content, output, extra=extra)

    def page_stamps(self):
        """{page: (size, modification time)} of the output's pages: which ones a build wrote."""
        return {
            path.relative_to(self.output).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(self.output.rglob("*.html"))
        }

    def counts(self):
        return json.loads(self.timings.read_text())["counts"]

    def rebuild_and_compare(self, step):
        """Rebuild in place, then build the same content from nothing: the same files."""
        rebuilt = self.build(self.output)
        assert rebuilt.returncode == 0, f"{step}: {rebuilt.log}"
        counts = self.counts()
        self.clean_builds += 1
        clean_output = self.tmp / f"clean-{self.clean_builds}"
        clean = self.build(clean_output)
        assert clean.returncode == 0, f"{step}: {clean.log}"
        assert differences(self.output, clean_output) == [], step
        shutil.rmtree(clean_output)
        shutil.rmtree(f"{clean_output}-cache")
        return counts

    def edit(self, relative, old, new):
        path = self.content / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    return Workspace(tmp_path, monkeypatch)


def test_a_rebuild_after_any_sequence_of_edits_is_a_clean_build(workspace):
    w = workspace
    first = w.rebuild_and_compare("first build")
    total = first["pages rendered"]
    assert total > 40 and first["pages unchanged"] == 0

    before = w.page_stamps()
    nothing = w.rebuild_and_compare("nothing changed")
    assert (nothing["pages rendered"], nothing["pages unchanged"]) == (0, total)
    assert w.page_stamps() == before  # not one page written again

    tampered = w.output / "updates" / "only-30-countries-offer-resettlement" / "index.html"
    tampered.write_text(tampered.read_text(encoding="utf-8").replace("</h1>", "!</h1>", 1), encoding="utf-8")
    w.rebuild_and_compare("a page of the output changed by hand")
    (w.output / "about" / "index.html").unlink()
    w.rebuild_and_compare("a page of the output deleted by hand")
    touched = w.output / "about" / "index.html"  # the same text, another time: taken again, not rendered
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns - 10**9))
    again = w.rebuild_and_compare("a page of the output touched by hand")
    assert again["pages rendered"] == 0, again
    # The build after each of these steps knows each file as it left it: the body edit below
    # writes that update's page only.

    before = w.page_stamps()
    w.edit("updates/only-30-countries-offer-resettlement.md", "Resettlement allows", "Resettlement lets")
    body = w.rebuild_and_compare("a body edited")
    assert 0 < body["pages rendered"] <= 2, body  # that update's page, not the pages that list it
    after = w.page_stamps()
    assert {page for page in before if after.get(page) != before[page]} == {
        "updates/only-30-countries-offer-resettlement/index.html"
    }

    before = w.page_stamps()
    w.edit("updates/only-30-countries-offer-resettlement.md", "Title: Only about 30", "Title: Just 30")
    title = w.rebuild_and_compare("a title changed")
    # Only the pages that read that update are rendered again (page_reads.py): its own, the
    # listings, topics, countries and archives it is on, the items that show it as related.
    after = w.page_stamps()
    written = {page for page in before if after.get(page) != before[page]}
    showing = {page for page in after if "Just 30 countries" in (w.output / page).read_text(encoding="utf-8")}
    assert showing <= written and len(showing) > 5, (showing, written)
    assert 0 < title["pages rendered"] == len(written) < total / 2, title
    assert (
        "about/index.html" not in written
        and "updates/children-at-the-border-should-be-protected/index.html" not in written
    )

    w.edit("updates/only-30-countries-offer-resettlement.md", "Tags: Resettlement,", "Tags: Resettlement, Detention,")
    tagged = w.rebuild_and_compare("a tag added")
    assert 0 < tagged["pages rendered"] < total, tagged  # the pages that resolve the topics' lists
    w.edit("updates/only-30-countries-offer-resettlement.md", "Tags: Resettlement, Detention,", "Tags: Resettlement,")
    w.rebuild_and_compare("the tag removed")

    (w.content / "updates" / "a-new-update.md").write_text(
        "Title: A new update\nDate: 2017-07-01\nSummary: Something new happened.\nTags: Resettlement\n\n"
        "A new paragraph, with [a link]({filename}only-30-countries-offer-resettlement.md).\n",
        encoding="utf-8",
    )
    w.rebuild_and_compare("a new file")
    assert (w.output / "updates" / "a-new-update" / "index.html").is_file()

    (w.content / "updates" / "a-new-update.md").unlink()
    w.rebuild_and_compare("the file deleted")
    assert not (w.output / "updates" / "a-new-update").exists()

    (w.content / "updates" / "violence-drives-children-from-central-america.md").rename(
        w.content / "updates" / "violence-drives-children-north.md"
    )
    w.edit(
        "updates/children-at-the-border-should-be-protected.md",
        "{filename}violence-drives-children-from-central-america.md",
        "{filename}violence-drives-children-north.md",
    )
    w.rebuild_and_compare("a file renamed (and the link to it)")
    assert not (w.output / "updates" / "violence-drives-children-from-central-america").exists()

    w.today = "2027-06-20"
    opened = w.rebuild_and_compare("an action's Starts reached")
    assert (w.output / "get-involved" / ACTION / "index.html").is_file()
    assert opened["pages rendered"] < total
    w.today = "2027-06-21"
    w.rebuild_and_compare("the action's Ends passed")

    (w.content / "updates" / "only-30-countries-offer-resettlement-es.md").write_text(
        "Title: Solo unos 30 países ofrecen reasentamiento\nDate: 2017-06-21\n"
        "Slug: only-30-countries-offer-resettlement\nLang: es\nTranslation: true\n"
        "Summary: Muy pocos países reasientan a personas refugiadas.\n"
        "Tags: Resettlement, Responsibility sharing\n\nUn párrafo en español.\n",
        encoding="utf-8",
    )
    w.rebuild_and_compare("a translation added")
    assert (w.output / "es" / "updates" / "only-30-countries-offer-resettlement" / "index.html").is_file()

    (w.content / "images").mkdir(exist_ok=True)
    shutil.copy(ROOT / "theme" / "static" / "img" / "share.png", w.content / "images" / "extra.png")
    w.rebuild_and_compare("an image added")
    (w.content / "images" / "extra.png").unlink()
    w.rebuild_and_compare("the image removed")

    base = w.theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("<footer", "<footer data-step=1", 1), encoding="utf-8")
    template = w.rebuild_and_compare("a template changed")
    assert template["pages unchanged"] == 0 and template["pages rendered"] > total  # a translation was added

    w.settings["SITE_TAGLINE"] = "Everyone has the right to seek safety."
    w.rebuild_and_compare("a setting changed")

    # A new version of the reading (of the plugin's code, or of a reading setting) has a content
    # cache of its own; the files the build before it wrote are still known, and a renamed item's go.
    w.settings["TYPOGRIFY_DASHES"] = "oldschool"
    (w.content / "updates" / "violence-drives-children-north.md").rename(
        w.content / "updates" / "violence-drives-children-south.md"
    )
    w.edit(
        "updates/children-at-the-border-should-be-protected.md",
        "{filename}violence-drives-children-north.md",
        "{filename}violence-drives-children-south.md",
    )
    w.rebuild_and_compare("a file renamed with a new version of the reading")
    assert not (w.output / "updates" / "violence-drives-children-north").exists()

    w.edit("updates/only-30-countries-offer-resettlement.md", "Date: 2017-06-20", "Date: 2017-13-45")
    broken = w.build(w.output)
    assert broken.returncode == 1 and problem_lines(broken)
    w.edit("updates/only-30-countries-offer-resettlement.md", "Date: 2017-13-45", "Date: 2017-06-20")
    w.rebuild_and_compare("a broken file, then fixed")


def test_the_templates_read_a_body_only_for_the_pages_own_item():
    """The context's digest leaves bodies out (render_cache.py): a template may show an item's
    text only through _body.html, whose `body_item` is the page's own article or page."""
    from jinja2 import Environment, nodes

    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do", "iwelcome.fragments.FragmentCache"])
    for path in sorted((ROOT / "theme" / "templates").glob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for node in tree.find_all(nodes.Getattr):
            assert node.attr not in {"content", "get_content"}, f"{path.name}:{node.lineno} reads .{node.attr}"
        for node in tree.find_all(nodes.Call):
            if isinstance(node.node, nodes.Name) and node.node.name == "body_parts":
                assert [type(a).__name__ + getattr(a, "name", "") for a in node.args] == ["Namebody_item"], path.name
        for node in tree.find_all(nodes.Assign):
            if isinstance(node.target, nodes.Name) and node.target.name == "body_item":
                assert isinstance(node.node, nodes.Name) and node.node.name in {"article", "page"}, (
                    f"{path.name}:{node.lineno}: body_item must be the page's own article or page"
                )


def test_a_build_without_a_search_index_leaves_the_last_one(tmp_path):
    """The preview builds without an index and makes it in the background: the next build must
    not remove it as a leftover. A build that makes one writes it anew."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    output = tmp_path / "output"
    assert run_pelican(content, output, search=True).returncode == 0
    index = sorted(p.relative_to(output) for p in (output / "pagefind").rglob("*") if p.is_file())
    assert index
    assert run_pelican(content, output).returncode == 0  # SEARCH_INDEX off
    assert sorted(p.relative_to(output) for p in (output / "pagefind").rglob("*") if p.is_file()) == index
    (content / "updates" / "only-30-countries-offer-resettlement.md").unlink()
    assert run_pelican(content, output).returncode == 0
    assert not (output / "updates" / "only-30-countries-offer-resettlement").exists()
    assert (output / "pagefind").is_dir()


# --- What a page read (page_reads.py) ----------------------------------------------------------


def recorded_reads(output):
    """{page: the identities of the articles and pages its last render read}, as the keys file
    keeps them (render_cache.save)."""
    [keys] = Path(f"{output}-cache").glob("render-cache-*.json")
    store = json.loads(keys.read_text(encoding="utf-8"))
    sets = [{store["reads"][i] for i in indices} for indices in store["read_sets"]]
    return {page: set().union(*(sets[i] for i in entry[4])) for page, entry in store["pages"].items()}


def article_addresses(content):
    """{identity: address} of every article, from its file as an editor wrote it (the site's
    ARTICLE_URL and ARTICLE_LANG_URL: the folder, then the Slug or the file's name)."""
    found = {}
    for path in sorted(content.glob("*/*.md")):
        if path.parent.name not in {"updates", "press-releases", "case-studies"}:
            continue
        fields = dict(re.findall(r"^(Slug|Lang): *(.+)$", path.read_text(encoding="utf-8"), re.MULTILINE))
        lang = fields.get("Lang", "en")
        prefix = "" if lang == "en" else f"/{lang}"
        found[f"Article:{path.parent.name}/{path.name}:{lang}"] = (
            f"{prefix}/{path.parent.name}/{fields.get('Slug', path.stem)}/"
        )
    return found


def test_a_page_counts_as_read_every_article_it_links_to(tmp_path):
    """A page's key covers the articles its render read: one that links to an article (a teaser,
    a related update, a listing, a translation's switch) has read it, whichever template or
    cached part made the link. (A link in the page's own text is part of its item's body, which
    the key holds whole.)"""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    output = tmp_path / "output"
    assert run_pelican(content, output).returncode == 0
    reads = recorded_reads(output)
    addresses = article_addresses(content)
    assert len(addresses) > 10 and len(reads) > 40
    checked = 0
    for page, read in reads.items():
        soup = BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")
        for body in soup.select(".article-body, .page-body, .home-intro"):
            body.decompose()  # the page's own text: digested whole with its item, links resolved
        links = {a["href"] for a in soup.find_all(href=True)}
        for identity, address in addresses.items():
            if address in links:
                checked += 1
                assert identity in read, f"{page} links to {address} but did not count {identity} as read"
    assert checked > 100


SITE_ARTICLES = sorted(
    path.relative_to(ROOT / "content").as_posix()
    for folder in ("updates", "press-releases", "case-studies")
    for path in (ROOT / "content" / folder).glob("*.md")
    if "Translation: true" not in path.read_text(encoding="utf-8")
)
EDITS = {
    "title": lambda text, word: re.sub(r"^Title: ", f"Title: {word} ", text, count=1, flags=re.MULTILINE),
    "summary": lambda text, word: re.sub(r"^Summary: ", f"Summary: {word} ", text, count=1, flags=re.MULTILINE),
    "tag added": lambda text, word: re.sub(r"^Tags: ", f"Tags: {word}, ", text, count=1, flags=re.MULTILINE),
    "tag removed": lambda text, word: re.sub(r"^(Tags: )[^,\n]+, ", r"\1", text, count=1, flags=re.MULTILINE),
    "date": lambda text, word: re.sub(r"^Date: \d{4}", "Date: 2011", text, count=1, flags=re.MULTILINE),
    "country": lambda text, word: re.sub(r"^Countries: ", "Countries: Chad, ", text, count=1, flags=re.MULTILINE),
    "body": lambda text, word: text + f"\n{word} said so again.\n",
}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The site built once: each example below starts from a copy of it, in one output folder
    (the keys file is the output folder's)."""
    base = tmp_path_factory.mktemp("base")
    shutil.copytree(ROOT / "content", base / "content")
    assert run_pelican(base / "content", base / "output").returncode == 0
    return base


@given(
    edits=st.lists(
        st.tuples(st.sampled_from(SITE_ARTICLES), st.sampled_from(sorted(EDITS)), st.sampled_from(["Roma", "Kabul"])),
        min_size=1,
        max_size=3,
    )
)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_rebuild_after_any_edits_of_any_articles_is_a_clean_build(built_once, tmp_path, edits):
    """Whatever fields of whichever articles change, the pages rendered again are enough: the
    rebuild is byte for byte the clean build of the same content."""
    work = tmp_path / "work"
    shutil.rmtree(work, ignore_errors=True)
    for name in ("content", "output", "output-cache"):
        shutil.copytree(built_once / name, work / name)
    for relative, edit, word in edits:
        path = work / "content" / relative
        path.write_text(EDITS[edit](path.read_text(encoding="utf-8"), word), encoding="utf-8")
    rebuilt = run_pelican(work / "content", work / "output")
    assert rebuilt.returncode == 0, rebuilt.log
    assert run_pelican(work / "content", work / "clean").returncode == 0
    assert differences(work / "output", work / "clean") == [], edits
