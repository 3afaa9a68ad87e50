"""The editor's contract as one table (issue 14): types of article and kinds of action are
declared once (settings.py, read by contract.py), and everything else reads them. The proof: a
fixture site gets a new type and a new kind by its settings alone, and they are validated,
built, listed and searchable."""

import json
import re

from bs4 import BeautifulSoup

from conftest import ACTION_KINDS, LISTS, ROOT, TYPES, action, article, assert_fails_with
from iwelcome import contract, stable_index


def test_editing_md_tables_are_the_contracts():
    """EDITING.md's field tables are made from the declaration: `python3 tasks.py editing-tables`."""
    text = (ROOT / "EDITING.md").read_text(encoding="utf-8")
    tables = contract.editing_tables(TYPES, ACTION_KINDS, LISTS)
    assert set(re.findall(r"<!-- contract: ([\w:-]+) -->", text)) == set(tables)
    assert contract.with_tables(text, tables) == text, "run `python3 tasks.py editing-tables`"


def test_every_declared_field_is_in_editing_md():
    text = (ROOT / "EDITING.md").read_text(encoding="utf-8")
    declared = {f.written for kind in [*TYPES.values(), *ACTION_KINDS.values()] for f in kind.fields.values()}
    declared |= {f.written for f in contract.PAGE_FIELDS.values()}
    assert {name for name in declared if f"| `{name}` |" not in text} == set()


def test_a_type_declares_its_fields_over_every_articles():
    case = TYPES["case-studies"]
    assert case.fields["countries"].required and not contract.ARTICLE_FIELDS["countries"].required
    assert [f.name for f in case.required] == ["title", "date", "summary", "tags", "countries", "person", "case_status"]
    assert [f.name for f in case.shown] == ["person", "case_status"]


# --- the proof: a new type and a new kind, by the declaration alone --------------------------

REPORTS = {
    "type": "report",
    "label": "Report",
    "plural": "Reports",
    "all": "All reports",
    "schema": "Report",
    "fields": {
        "pages": {
            "check": "integer",
            "minimum": 1,
            "required": True,
            "about": "its length",
            "example": "42",
            "label": "Pages",
        }
    },
}
VOLUNTEER = {"label": "Volunteer", "plural": "Volunteering", "fields": {"url": {"required": True}}}


def site_settings(tmp_path):
    """A settings file that is this site's, with a new type of article and a new kind of action."""
    path = tmp_path / "reportsconf.py"
    path.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        f"sys.path.insert(0, {str(ROOT / 'plugins')!r})\n"
        "from pelicanconf import *\n"
        "from iwelcome.settings import DEFAULTS\n"
        f"THEME = {str(ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        f"CONTENT_TYPES = {{**DEFAULTS['CONTENT_TYPES'], 'reports': {REPORTS!r}}}\n"
        f"ACTION_KINDS = {{**DEFAULTS['ACTION_KINDS'], 'volunteer': {VOLUNTEER!r}}}\n"
    )
    return str(path)


def test_a_new_type_and_kind_are_validated(build_site, tmp_path):
    build = build_site(
        {
            "reports/no-pages.md": article(),
            "reports/zero.md": article(Pages="0"),
            "actions/help.md": action(Kind="volunteer", Url=None),
            "actions/typo.md": action(Kind="volunter"),
        },
        settings=site_settings(tmp_path),
    )
    assert_fails_with(
        build,
        r"^content/reports/no-pages\.md: Pages: missing; add its length, such as 'Pages: 42'",
        r"^content/reports/zero\.md:\d+: Pages: '0' is not a whole number of at least 1",
        r"^content/actions/help\.md: Url: missing; add the https:// address",
        r"^content/actions/typo\.md:\d+: Kind: 'volunter' is not a kind of action; write one of: .*volunteer",
    )


def test_a_new_type_and_kind_are_built_listed_and_searchable(build_site, tmp_path):
    build = build_site(
        {
            "updates/a.md": article(),
            "reports/detention-in-numbers.md": article(Title="Detention in numbers", Pages="42"),
            "actions/host-a-family.md": action(
                Title="Host a family", Kind="volunteer", Url="https://act.example.org/host"
            ),
        },
        settings=site_settings(tmp_path),
        search=True,
    )
    assert build.returncode == 0, build.log
    page = BeautifulSoup((build.output / "reports/detention-in-numbers/index.html").read_text(), "html.parser")
    assert page.select_one(".article-type").get_text(strip=True) == "Report"
    facts = {
        dt.get_text(strip=True): dd.get_text(strip=True)
        for dt, dd in zip(page.select(".article-facts dt"), page.select(".article-facts dd"), strict=True)
    }
    assert facts == {"Pages": "42"}
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "Report"
    listing = BeautifulSoup((build.output / "reports/index.html").read_text(), "html.parser")
    assert [a.get_text(" ", strip=True).replace("\xa0", " ") for a in listing.select(".teaser-title a")] == [
        "Detention in numbers"
    ]
    assert "/reports/" in [a["href"] for a in listing.select(".main-nav a")]
    hub = BeautifulSoup((build.output / "get-involved/index.html").read_text(), "html.parser")
    assert "Volunteering" in [h.get_text(strip=True) for h in hub.select(".hub-group h2")]
    assert (build.output / "get-involved/host-a-family/index.html").is_file()
    types = set()
    for path in (build.output / "pagefind" / "filter").glob("*.pf_filter"):
        name, values = stable_index.read_chunk(path)
        if name == "type":
            types |= {value for value, _pages in values}
    assert "Report" in types
