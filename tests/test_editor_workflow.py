"""The editor's path: `invoke new` scaffolds, `invoke check` (validation plus lint), and the
lint errors that stop a build."""

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import ACTION_KINDS, LISTS, PNG, ROOT, TYPES, action, article, assert_fails_with, url_of
from iwelcome.scaffold import kinds_of_file

MADE = kinds_of_file(TYPES, ACTION_KINDS)  # what `new` makes: each type of article, an action, a page

# What an editor writes in place of each hint: the contract's example, or the first of its list.
FILLED = {
    f.written: (next(iter(LISTS[f.choices])) if f.choices else f.example) or "Written by the editor"
    for kind in [*TYPES.values(), *ACTION_KINDS.values()]
    for f in kind.fields.values()
}
FILLED.update({"Kind": "letter", "Url": "https://act.example.org/letters/now", "Tags": "Asylum"})


def tasks(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "tasks.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("kind", list(MADE))
def test_each_scaffold_refuses_to_build_with_hints_then_builds_once_filled(build_site, tmp_path, kind):
    content = tmp_path / "content"
    content.mkdir()
    result = tasks("new", kind, "Families win a hearing", "--content", str(content))
    assert result.returncode == 0, result.stdout + result.stderr
    path = next(content.rglob("*.md"))
    assert path.name == "families-win-a-hearing.md"
    text = path.read_text()
    if MADE[kind][1] is not None:  # a type of article
        assert f"Date: {date.today():%Y-%m-%d}" in text

    build = build_site({})  # the scaffold, as written, in the same content folder
    assert build.returncode == 1 and "TODO" in build.stderr and "Traceback" not in build.log

    filled = re.sub(r"^(\w+): TODO.*$", lambda m: f"{m.group(1)}: {FILLED[m.group(1)]}", text, flags=re.M)
    path.write_text(filled.replace("TODO: ", "Written by the editor. ").replace("TODO", "Text"))
    build = build_site({})
    assert build.returncode == 0, build.log


@pytest.mark.parametrize(
    "original, fields",
    [
        ("updates/families-win.md", article(Title="Families win a hearing", Summary="A judge paused them.")),
        (
            "pages/home.md",
            "Title: I WELCOME\nTemplate: home\nSave_as: index.html\nURL:\nSummary: Who we are.\n\nThe text.\n",
        ),
        ("actions/write-to-dhs.md", action(Title="Write to DHS", Victory="We won.") + "\nThe pitch.\n"),
    ],
)
def test_new_makes_a_translation_from_its_original(build_site, tmp_path, original, fields):
    """`new translation FILE --lang ar`: the original's fields and text with a hint in each that a
    translation writes; the build refuses it until they are written, then links both ways."""
    content = tmp_path / "content"
    build_site({original: fields})
    result = tasks("new", "translation", str(content / original), "--lang", "ar")
    assert result.returncode == 0, result.stdout + result.stderr
    made = content / original.replace(".md", "-ar.md")
    text = made.read_text(encoding="utf-8")
    header = dict(line.split(": ", 1) for line in text.split("\n\n")[0].splitlines())
    assert (header["Slug"], header["Lang"], header["Translation"]) == (Path(original).stem, "ar", "true")
    assert header["Title"].startswith("TODO: in Arabic: ")
    if original.startswith("actions/"):  # an action's translation has only its words
        assert set(header) == {"Title", "Slug", "Lang", "Translation", "Button", "Victory"}
    elif original.startswith("pages/"):  # the home page's address in Arabic
        assert (header["Save_as"], header["URL"]) == ("ar/index.html", "ar/")
    else:
        assert header["Date"] == "2024-03-15" and header["Tags"] == "Asylum"  # kept as in the original
    assert re.search(r"^TODO: write the text in Arabic", text, re.M)

    build = build_site({})
    assert build.returncode == 1 and "TODO" in build.stderr and "Traceback" not in build.log
    made.write_text(
        re.sub(r"TODO: (in Arabic: |write the text in Arabic.*)", "مكتوب بالعربية ", text), encoding="utf-8"
    )
    build = build_site({})
    assert build.returncode == 0, build.log
    if not original.startswith("actions/"):
        page = build.output / (
            "ar/index.html" if "home" in original else f"ar/{url_of(content / original)[1:]}index.html"
        )
        html = page.read_text(encoding="utf-8")
        assert '<html lang="ar" dir="rtl">' in html and 'hreflang="en"' in html


def test_new_translation_refuses_what_it_cannot_make(tmp_path):
    (tmp_path / "updates").mkdir()
    (tmp_path / "updates" / "a.md").write_text(article(), encoding="utf-8")
    (tmp_path / "updates" / "a-es.md").write_text(article(Slug="a", Lang="es", Translation="true"), encoding="utf-8")
    for args, message in (
        (["--lang", "fr"], "'fr' is not one of the site's other languages"),
        (["--lang", "en"], "'en' is not one of the site's other languages"),
        ([], "say which language"),
    ):
        result = tasks("new", "translation", str(tmp_path / "updates" / "a.md"), *args)
        assert result.returncode != 0 and message in result.stderr, result.stderr
    result = tasks("new", "translation", str(tmp_path / "updates" / "a-es.md"), "--lang", "ar")
    assert result.returncode != 0 and "is itself a translation" in result.stderr
    assert sorted(p.name for p in (tmp_path / "updates").iterdir()) == ["a-es.md", "a.md"]


def test_new_refuses_to_overwrite(tmp_path):
    assert tasks("new", "update", "Same title", "--content", str(tmp_path)).returncode == 0
    again = tasks("new", "update", "Same title", "--content", str(tmp_path))
    assert again.returncode != 0 and "already exists" in again.stderr
    assert tasks("new", "blog-post", "Anything", "--content", str(tmp_path)).returncode != 0


def test_lint_errors_stop_the_build(build_site):
    body = (
        "![](/images/court.png)\n\n![A courtroom](/images/missing.png)\n\n"
        "[gone](/updates/no-such-story/) and [lost]({filename}nowhere.md) and [fine](/updates/b/)\n"
    )
    build = build_site(
        {
            "updates/a.md": article() + "\n" + body,
            "updates/b.md": article(),
            "images/court.png": PNG,
        }
    )
    assert_fails_with(
        build,
        r"^content/updates/a\.md:8: Body: the image images/court\.png has no alt text; "
        r"write !\[what the image shows\]\(\{static\}/images/court\.png\)$",
        r"^content/updates/a\.md:10: Body: the image /images/missing\.png is not in the content folder",
        r"^content/updates/a\.md:12: Body: the link /updates/no-such-story/ goes to a page this site does not have",
        r"^content/updates/a\.md:12: Body: the link \{filename\}nowhere\.md points to content/updates/nowhere\.md, "
        r"which is not a file of the site",
    )


def check(content):
    return tasks("check", "--content", str(content))


def write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text)


def test_check_lists_errors_sorted_then_warnings_apart(tmp_path):
    yesterday = date.today() - timedelta(days=1)
    content = tmp_path / "content"
    write(
        content,
        {
            "updates/b.md": article(Summary="x" * 250, Image="images/big.png", Image_alt="A big picture"),
            "updates/a.md": article(Date="2024-13-01") + "\n![](/images/small.png)\n",
            "updates/c.md": article(Status="draft", Date=f"{yesterday:%Y-%m-%d}"),
            "press-releases/d.md": article(Location="Washington"),
            "images/big.png": PNG + b"\0" * 400 * 1024,
            "images/small.png": PNG,
        },
    )
    result = check(content)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    errors, warnings = out.split("Warnings (the site still builds):")
    error_lines = [line for line in errors.splitlines() if line.startswith("content/")]
    assert error_lines == sorted(error_lines) and len(error_lines) == 2
    assert re.match(r"content/updates/a\.md:2: Date: '2024-13-01' is not a date", error_lines[0])
    assert re.match(r"content/updates/a\.md:8: Body: the image images/small\.png has no alt text", error_lines[1])
    warning_lines = [line for line in warnings.splitlines() if line.startswith("content/")]
    for pattern in (
        r"^content/updates/b\.md:\d: Image: images/big\.png is 40\d KB; keep images under 300 KB",
        r"^content/updates/b\.md:\d: Summary: 250 characters",
        r"^content/updates/c\.md:\d: Status: still a draft, though its date",
    ):
        assert any(re.search(pattern, line) for line in warning_lines), (pattern, warning_lines)
    assert not any("press-releases/d.md" in line for line in warning_lines), warning_lines  # a normal release
    assert out.rstrip().splitlines()[-1] == "2 errors, 3 warnings."


def test_check_passes_on_the_real_content_and_writes_nothing():
    result = check(ROOT / "content")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^0 errors, \d+ warnings?\.$", result.stdout, re.M)
    assert not (ROOT / "content" / "output").exists()


def test_pre_commit_runs_the_check_on_content():
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    assert "entry: .venv/bin/python tasks.py check" in config and "files: ^content/" in config


def test_every_example_in_the_editors_guide_builds(build_site):
    guide = (ROOT / "EDITING.md").read_text()
    examples = dict(re.findall(r"<!-- example: (\S+) -->\n```\n(.*?)```", guide, re.S))
    assert len(examples) >= 2, "the guide marks its example files"
    build = build_site(examples)
    assert build.returncode == 0, build.log
    assert (build.output / "press-releases/judge-blocks-deportation-of-four-families/index.html").is_file()
    assert (build.output / "get-involved/protect-children-at-the-border/index.html").is_file()
