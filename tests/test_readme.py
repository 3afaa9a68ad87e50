"""The README's quick start is the contract with a newcomer: two commands that work."""

import re
import shlex
import subprocess

from bs4 import BeautifulSoup
from conftest import ROOT


def quick_start_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    build, test = commands
    assert "build" in build and "test" in test
    assert test in (ROOT / ".ci/run").read_text()


def test_the_readme_build_command_builds_the_site():
    build = quick_start_commands()[0]
    result = subprocess.run(shlex.split(build), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "output/" in result.stdout and "serve" in result.stdout, "it says where the site is and how to preview it"
    home = BeautifulSoup((ROOT / "output/index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.h1 is not None
