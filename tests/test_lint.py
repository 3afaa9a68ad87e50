"""The linter and the formatter: ruff, configured in pyproject.toml ([tool.ruff]) and pinned in the
test group, finds nothing and would reformat nothing. The suite runs it, so CI does (.ci/run);
.pre-commit-config.yaml runs the same ruff on a commit. README.md, "Tests", says how to fix what
it finds."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

# A noqa comment: the rules it silences, then why, as in `noqa: N802 - Python-Markdown's name`.
NOQA = re.compile(r"#\s*noqa\b(?P<codes>:\s*[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)?(?P<reason>.*)$")


def ruff(*args):
    """The ruff next to the Python running the tests (.venv/bin/), run from the repository."""
    found = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert found, (
        f"ruff is not installed next to {sys.executable}: run `python3 tasks.py test` (the test group pins it)"
    )
    return subprocess.run([found, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_check_finds_nothing():
    result = ruff("check", "--no-cache", "--output-format", "full", ".")
    if result.returncode != 0:
        pytest.fail(
            "ruff check found problems; `.venv/bin/ruff check --fix` fixes some, the rest are for you:\n"
            f"{result.stdout}{result.stderr}",
            pytrace=False,
        )


def test_ruff_format_would_change_nothing():
    result = ruff("format", "--check", "--diff", "--no-cache", ".")
    if result.returncode != 0:
        pytest.fail(
            f"`.venv/bin/ruff format` would reformat these files:\n{result.stdout}{result.stderr}", pytrace=False
        )


def test_every_noqa_comment_names_its_rules_and_says_why():
    """RUF100 fails a noqa comment that silences nothing; this one, a noqa without its reason."""
    listed = ruff("check", "--show-files", ".")
    assert listed.returncode == 0, listed.stderr
    files = [Path(line) for line in listed.stdout.splitlines() if line.endswith(".py")]
    assert files, "ruff lists no Python file"
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = NOQA.search(line)
            if match and not (match["codes"] and re.search(r"\w{3}", match["reason"])):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "a noqa comment names its rules, then says why:\n" + "\n".join(found)


def test_pre_commit_runs_the_same_ruff_on_python_files():
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "entry: .venv/bin/ruff check --fix" in config and "entry: .venv/bin/ruff format" in config
    assert config.count("types: [python]") == 2
