"""The README's quick start is the contract with a newcomer: two commands that work."""

import re
import shlex
import subprocess

from bs4 import BeautifulSoup

from conftest import ROOT, python_that_made_the_venv


def quick_start_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def quick_start_commands():
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", quick_start_section(), re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    build, test = commands
    assert "build" in build and "test" in test
    assert test in (ROOT / ".ci/run").read_text()


def test_the_quick_start_names_files_that_exist():
    names = re.findall(r"`([\w./-]+\.(?:txt|toml|py))`", quick_start_section())
    assert names
    for name in names:
        assert (ROOT / name).is_file(), f"README.md, Quick start, names {name}, which is not there"


def test_the_readme_build_command_builds_the_site():
    build = shlex.split(quick_start_commands()[0])
    if build[0] == "python3":
        build[0] = python_that_made_the_venv()
    result = subprocess.run(build, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "output/" in result.stdout and "serve" in result.stdout, "it says where the site is and how to preview it"
    home = BeautifulSoup((ROOT / "output/index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.h1 is not None


def test_how_it_fits_together_names_every_module():
    """README.md's map of the code names every module of the plugin and every script at the top."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it fits together", 1)[1].split("\n## ", 1)[0]
    modules = [p.name for p in (ROOT / "plugins" / "iwelcome").glob("*.py") if p.name != "__init__.py"]
    modules += [p.name for p in ROOT.glob("*.py")]
    missing = sorted(name for name in modules if f"`{name}`" not in section)
    assert missing == [], f"README.md, How it fits together, does not name: {missing}"
