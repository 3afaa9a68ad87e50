"""EDITING.md is tested (issue 16.8): every file it names is there, each example is the top of
the file it names, and every command it shows runs, each in a copy of the repository (a command
may write), as an editor types it: the long-running previews until they answer, then Ctrl-C."""

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from conftest import (
    ACTION_KINDS,
    CONTENT,
    LISTS,
    ROOT,
    TYPES,
    metadata,
    problem_lines,
    python_that_made_the_venv,
    repository_copy,
    run_pelican,
)
from iwelcome.scaffold import kinds_of_file, scaffold

GUIDE = (ROOT / "EDITING.md").read_text(encoding="utf-8")

# Names the guide gives as made-up examples, never as files of the site: what a name could be.
MADE_UP = {
    "notes.txt": "a file the build ignores",
    "old.html": "a file the build ignores",
    "search.md": "a page whose address the site already uses",
    "images/photo.jpg": "the form of an Image: value (the contract's example)",
    "{static}/images/photo.jpg": "the form of an image in the text",
    "content/images/photo.jpg": "a form of an Image: value that the build refuses (the field's row says so)",
    "https://other-site/photo.jpg": "an image on another site, which the build refuses",
}


def named_files():
    """(as written, where, path) of every file the guide names in `code`: a path under content/
    or theme/ ("repository"), a `{filename}` or `{static}` link or a file of content/images/ or
    downloads/ ("content"), a bare file name ("anywhere": in content/, theme/ or the built site),
    and the files its examples say they are."""
    found = []
    for span in sorted(set(re.findall(r"`([^`\s]+)`", GUIDE)) | set(re.findall(r"\]\(([^)\s]+)\)", GUIDE))):
        if span in MADE_UP or span.endswith("/") or "<" in span or "://" in span or span.startswith("/"):
            continue
        path = re.sub(r"^\{(filename|static)\}(\.\./)*/?", "", span)
        if path.startswith(("content/", "theme/")):
            found.append((span, "repository", path))
        elif path.startswith(("images/", "downloads/", "case-studies/", "updates/", "press-releases/", "pages/")):
            found.append((span, "content", path))
        elif "/" not in path and re.fullmatch(r"[\w.-]+\.(md|json|po|pot|pdf|jpg|png)", path):
            found.append((span, "anywhere", path))
    found += [(f"example: {name}", "content", name) for name in re.findall(r"<!-- example: (\S+) -->", GUIDE)]
    return found


def test_the_guide_names_files():
    assert len(named_files()) >= 8, named_files()


@pytest.mark.parametrize("written, where, path", named_files(), ids=[written for written, *_ in named_files()])
def test_every_file_the_guide_names_is_there(written, where, path, site):
    if where == "repository":
        found = (ROOT / path).is_file()
    elif where == "content":
        found = (CONTENT / path).is_file()
    else:
        found = any(any(folder.rglob(path)) for folder in (CONTENT, ROOT / "theme", site.output))
    assert found, f"EDITING.md names `{written}`, which is not a file of the site ({where})"


@pytest.mark.parametrize("name, text", re.findall(r"<!-- example: (\S+) -->\n```\n(.*?)```", GUIDE, re.S))
def test_each_example_shows_the_fields_of_the_file_it_names(name, text):
    fields = text.split("\n\n", 1)[0].strip()
    real = (CONTENT / name).read_text(encoding="utf-8").split("\n\n", 1)[0].strip()
    assert fields == real, f"EDITING.md's example of {name} shows other fields than the file has"
    assert metadata(CONTENT / name)["title"] in fields


# --- Every command it shows ----------------------------------------------------------------------


def guide_commands():
    """Every command of the guide: the lines of its code blocks that start with `python3`, then
    each `python3 ...` it writes in its text, in the order they come, each once."""
    found = []
    for block in re.findall(r"```\n(.*?)```", GUIDE, re.S):
        found += [line.strip() for line in block.splitlines() if line.startswith("python3 ")]
    found += re.findall(r"`(python3 [^`]+)`", GUIDE)
    return list(dict.fromkeys(found))


def test_the_guide_shows_its_commands():
    commands = guide_commands()
    for task in ("new", "check", "build", "livereload", "serve", "hooks"):
        assert any(command.startswith(f"python3 tasks.py {task}") for command in commands), task


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status == 200 and answer.read()
    except OSError:
        return False


def run_preview(args, copy):
    """A preview the guide shows (serve, livereload): on a free port (the machine's 8000 may be
    another's), until its home page answers; then Ctrl-C, as the guide says, ends it."""
    port = free_port()
    if "--port" in args:
        args[args.index("--port") + 1] = str(port)
    else:
        args += ["--port", str(port)]
    log = copy / "preview.log"
    with log.open("w") as out:
        process = subprocess.Popen(args, cwd=copy, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while b"<h1" not in (home := answers(f"http://127.0.0.1:{port}/") or b""):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the preview did not answer"
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = log.read_text()
    assert "Traceback" not in output, output
    if args[2] == "livereload":
        assert b"/__preview__/reload.js" in home
    return output


def commit(copy, message, env):
    git = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "add", "-A"], cwd=copy, check=True)
    return subprocess.run([*git, "commit", "-q", "-m", message], cwd=copy, capture_output=True, text=True, env=env)


def check_hooks(copy, tmp_path):
    """After `hooks`: a commit of a broken file is stopped with the check's line; fixed, it goes
    in; the hook runs pre-commit and the check from the repository's .venv/, with no connection."""
    hook = (copy / ".git" / "hooks" / "pre-commit").read_text()
    assert str(copy / ".venv" / "bin" / "python") in hook, "the hook does not run pre-commit from .venv/"
    offline = {
        **os.environ,
        **dict.fromkeys(("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"), "http://127.0.0.1:9"),
        "PIP_NO_INDEX": "1",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    article = copy / "content" / "updates" / "only-30-countries-offer-resettlement.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(re.sub(r"^Date: .*$", "Date: 2024-13-45", text, count=1, flags=re.M), encoding="utf-8")
    stopped = commit(copy, "a broken date", offline)
    assert stopped.returncode != 0, stopped.stdout + stopped.stderr
    assert "content/updates/only-30-countries-offer-resettlement.md:2: Date: '2024-13-45'" in stopped.stderr, (
        stopped.stderr
    )
    article.write_text(text.replace("Title: ", "Title: Now ", 1), encoding="utf-8")
    went_in = commit(copy, "a new title", offline)
    assert went_in.returncode == 0, went_in.stdout + went_in.stderr


@pytest.mark.parametrize("command", guide_commands())
def test_every_command_the_guide_shows_runs(command, tmp_path):
    copy = repository_copy(tmp_path / "site")
    args = shlex.split(command)
    args[0] = python_that_made_the_venv()
    task = args[2] if len(args) > 2 and args[1] == "tasks.py" else None
    if task in ("serve", "livereload"):
        run_preview(args, copy)
        return
    if args[2:4] == ["new", "translation"]:
        # The guide shows how a translation starts; this repository may have it already, and then
        # the copy has it removed first (new never overwrites: test_editor_workflow.py).
        original = copy / args[4]
        (original.parent / f"{original.stem}-{args[args.index('--lang') + 1]}.md").unlink(missing_ok=True)
    result = subprocess.run(args, cwd=copy, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output, output
    if task == "new":
        written = re.search(r"^Wrote (.+\.md)\.", result.stdout, re.M)
        assert written and Path(written[1]).is_file() and Path(written[1]).is_relative_to(copy), output
    elif task == "build":
        assert (copy / "output" / "index.html").is_file()
    elif task == "check":
        assert re.search(r"^0 errors", result.stdout, re.M), output
    elif task == "hooks":
        check_hooks(copy, tmp_path)
    elif task is None:
        assert output.startswith("Python 3."), output


# --- What it says of hints -----------------------------------------------------------------------


def hinted_files():
    """(kind, field, relative path, text) for every hint `new` writes, in each kind of file: the
    scaffold with only that hint left, every other filled as an editor would."""

    def slug(title):
        return slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])

    filled = {"Kind": "letter", "Url": "https://act.example.org/letters/now", "Tags": "Asylum", "Countries": "Mexico"}
    filled |= {"Case_status": next(iter(LISTS["CASE_STATUSES"])), "Location": "Washington", "Person": "Ana Ruiz"}
    found = []
    for kind in kinds_of_file(TYPES, ACTION_KINDS):
        relative, text = scaffold(kind, "Families win a hearing", date(2024, 3, 15), slug, TYPES, ACTION_KINDS, LISTS)
        hints = [*re.findall(r"^(\w+): TODO", text, re.M), "text"]
        for left in hints:

            def fill(match, left=left):
                return match[0] if match[1] == left else f"{match[1]}: {filled.get(match[1], 'Written by the editor.')}"

            written = re.sub(r"^(\w+): TODO.*$", fill, text, flags=re.M)
            if left != "text":
                written = re.sub(r"^TODO.*$", "The text, written.", written, flags=re.M)
            found.append((kind, left, relative, written))
    return found


@pytest.mark.parametrize(
    "kind, left, relative, text", hinted_files(), ids=[f"{kind}-{left}" for kind, left, *_ in hinted_files()]
)
def test_what_the_guide_says_of_a_hint_left_in_is_true(build_site, kind, left, relative, text):
    """ "The site refuses to build while a hint is left in any field (`Summary` and `Tags`
    included) or in the text of an article or a page ... The pitch of a call to action (its text)
    is not checked for hints"."""
    build = build_site({relative: text})
    field = "Body" if left == "text" else left
    if kind == "action" and left == "text":
        assert "The pitch of a call to action (its text) is not checked for hints" in " ".join(GUIDE.split())
        assert build.returncode == 0, build.log
        return
    assert build.returncode == 1, build.log
    assert re.search(rf"^  content/{re.escape(relative)}:\d+: {field}: .*hint", build.stderr, re.M), build.stderr


def test_the_guides_first_example_of_a_problem_is_what_the_build_prints(tmp_path):
    """The line the guide shows first, made real: its file with that date prints that very line."""
    example = re.search(r"like this:\n\n```\n(content/(\S+?)\.md):(\d+): Date: '([^']+)'.*\n```", GUIDE)
    line, relative, number, value = example.group(0).split("\n")[3], example.group(2), int(example.group(3)), example[4]
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / f"{relative}.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[number - 1].startswith("Date: ")
    lines[number - 1] = f"Date: {value}"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert line in problem_lines(run_pelican(content, tmp_path / "output"))
