"""The trust boundary for content no one listed: generated sites, built for production (issue 12).

Hypothesis writes small sites: articles of every type, pages and calls to action, with
generated text, Unicode, URLs, dates, markup, file names and slugs in generated fields, some
items embargoed, and links to a secret file outside the content folder. For each, either

- the build succeeds, and its output holds no element, attribute or URL scheme outside the
  allowlist, no file or text from outside the content folder, and no embargoed text; or
- it fails with `path:line: Field: message` lines, no traceback, and nothing written.

The suite runs a fixed seed and a bounded number of examples; `python3 tasks.py fuzz` runs many
more with a fresh seed (TRUST_FUZZ_EXAMPLES, TRUST_FUZZ_SEED).
"""

import os
import re
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conftest import run_pelican, unsafe_output

EXAMPLES = int(os.environ.get("TRUST_FUZZ_EXAMPLES", "12"))
SEED = int(os.environ.get("TRUST_FUZZ_SEED", "20261201"))
SECRET = "SECRET-OUTSIDE-4409"  # in a file beside the content folder: must never be read into the site
EMBARGOED = "EMBARGOED-WORD-8812"  # in every embargoed item: must never be published
FUTURE = f"{date.today() + timedelta(days=500):%Y-%m-%d}"
PROBLEM_LINE = re.compile(r"^  (content|theme)/.+?(:\d+)?: (([A-Z][A-Za-z_]*|Body): )?\S.*$")

TYPES = {
    "press-releases": {"Location": "Washington"},
    "updates": {},
    "case-studies": {"Person": "Ana", "Case_status": "detained", "Countries": "El Salvador"},
}

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    "<iframe src=//x>",
    '"><svg onload=alert(1)>',
    "{filename}../../../etc/passwd",
    "{static}../../pelicanconf.py",
    "../../",
    "\u202e",
    "\x00",
    "\r",
    "&#x6a;avascript:",
    "<!--",
    "]]>",
    "TODO: fill in",
    "[action: nope]",
    "{attach}/../x",
    "data:text/html,<script>alert(1)</script>",
    "<style>*{}</style>",
    "<base href=//evil>",
    "\ufeff",
    "ٱلسَّلَام",
]
URLS = [
    "https://example.org/a?b=c#d",
    "http://x",
    "mailto:a@b.c",
    "tel:+1",
    "javascript:alert(1)",
    "//evil.example/x",
    "vbscript:x",
    "/updates/",
    "{filename}../updates/item-0.md",
    "{static}/images/a.png",
    "data:image/png;base64,AA==",
]
DATES = [
    "2024-03-15",
    "2024-03-15 09:30",
    "2024-03-15 09:30 +02:00",
    FUTURE,
    "06/12/2026",
    "2024-02-30",
    "",
    "tomorrow",
    "2024-03-15T09:30:00Z",
    "0000-00-00",
]
SLUGS = [
    "a-b",
    "",
    "../x",
    "sitemap.xml",
    "actions.json",
    "search",
    "get-involved",
    "UPPER",
    "🚸",
    "es",
    "theme",
    "x" * 80,
]


def text():
    return st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
        st.sampled_from(HOSTILE),
        st.lists(st.sampled_from([*HOSTILE, "word", "Asylum", " "]), max_size=4).map(" ".join),
    )


def field_value(name):
    if name in ("Date", "Modified", "Starts", "Ends"):
        return st.one_of(st.sampled_from(DATES), text())
    if name in ("Slug", "Related", "Actions", "Followup", "Lang", "Save_as", "URL", "Template"):
        return st.one_of(st.sampled_from([*SLUGS, "en", "es", "home", "item-0", "action-0"]), text())
    if name in ("Image", "File", "Url"):
        return st.one_of(st.sampled_from([*URLS, "images/a.png", "../secret.txt", "downloads/x.pdf"]), text())
    return text()


FIELDS = [
    "Title",
    "Date",
    "Summary",
    "Tags",
    "Countries",
    "Slug",
    "Lang",
    "Related",
    "Actions",
    "Image",
    "Image_alt",
    "Modified",
    "Status",
    "Template",
    "Save_as",
    "URL",
    "Location",
    "Person",
    "Case_status",
    "Url",
    "File",
    "Starts",
    "Ends",
    "Followup",
    "Unknown_field",
]


@st.composite
def body(draw):
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        "A paragraph.",
                        "## A heading",
                        "*emphasis*",
                        "> a quote",
                        "- a list",
                        "| a | b |\n|---|---|\n| 1 | 2 |",
                        "[secret]({static}../../secret.txt)",
                        "[action: action-0]",
                        "![pic](/images/a.png)",
                    ]
                ),
                st.sampled_from(URLS).map(lambda url: f"[a link]({url})"),
                st.sampled_from(URLS).map(lambda url: f'<a href="{url}">raw link</a>'),
                st.sampled_from(HOSTILE),
                text(),
            ),
            max_size=5,
        )
    )
    return "\n\n".join(pieces)


@st.composite
def item(draw, number):
    kind = draw(st.sampled_from(["press-releases", "updates", "case-studies", "pages", "actions"]))
    embargoed = draw(st.booleans()) and kind != "actions"
    if kind == "actions":
        fields = {
            "Title": f"Act {number}",
            "Kind": draw(st.sampled_from(["petition", "share", "download", "event"])),
            "Button": "Act",
            "Url": "https://act.example.org/x",
        }
    elif kind == "pages":
        fields = {"Title": f"Page {number}"}
    else:
        fields = {
            "Title": f"Item {number}",
            "Date": "2024-03-15",
            "Summary": "A summary.",
            "Tags": "Asylum",
            **TYPES[kind],
        }
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
        fields[name] = draw(field_value(name))
    if embargoed:
        fields.update({"Date": FUTURE, "Title": f"{fields.get('Title', 'x')} {EMBARGOED}"})
    name = draw(
        st.one_of(
            st.just(f"item-{number}" if kind != "actions" else f"action-{number}"), st.sampled_from(SLUGS), text()
        )
    )
    header = "\n".join(f"{key}: {value}" for key, value in fields.items())
    text_ = draw(body()) + (f"\n\n{EMBARGOED} in the text." if embargoed else "")
    return f"{kind}/{name}.md", header + "\n\n" + text_ + "\n"


@st.composite
def site(draw):
    files = {}
    for number in range(draw(st.integers(1, 4))):
        path, content = draw(item(number))
        files.setdefault(path, content)
    if draw(st.booleans()):
        files["images/a.png"] = b"\x89PNG\r\n\x1a\n" + bytes(32)
    if draw(st.booleans()):
        files[draw(st.sampled_from(["images/link.png", "downloads/link.pdf", "updates/link.md"]))] = Path(
            "../../secret.txt"
        )
    return files


def write(content, files):
    for name, data in files.items():
        path = content / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                path.symlink_to(data)
            elif isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8", errors="surrogatepass")
        except (OSError, ValueError):
            continue  # a name the file system refuses is not a file an editor could commit


@seed(SEED)
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(site())
def test_a_generated_site_builds_safely_or_fails_cleanly(files):
    scratch = Path(tempfile.mkdtemp(prefix="trust-"))
    try:
        (scratch / "secret.txt").write_text(SECRET)
        content, output = scratch / "site" / "content", scratch / "site" / "output"
        content.mkdir(parents=True)
        write(content, files)
        before = {p for p in scratch.rglob("*") if "output" not in p.parts and "output-cache" not in p.parts}
        build = run_pelican(content, output, settings="publishconf.py", search=True)
        after = {p for p in scratch.rglob("*") if "output" not in p.parts and "output-cache" not in p.parts}
        assert after == before, f"the build wrote outside its output folder: {sorted(after - before)}"
        assert "Traceback" not in build.log, build.log
        if build.returncode == 0:
            assert unsafe_output(output) == []
            for path in output.rglob("*"):
                if path.is_file():
                    data = path.read_bytes()
                    assert SECRET.encode() not in data, f"{path} holds the secret from outside the content folder"
                    assert EMBARGOED.encode() not in data, f"{path} holds embargoed text"
        else:
            assert build.returncode == 1, build.log
            assert not output.exists() or not any(output.iterdir()), "a failed build wrote files"
            lines = [line for line in build.stderr.splitlines() if line.startswith("  ")]
            assert lines, build.log
            for line in lines:
                assert PROBLEM_LINE.match(line), f"not a 'path:line: Field: message' line: {line!r}"
            assert SECRET not in build.log
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
