"""Shared fixtures: the real site built once per session, and small fixture sites built on demand."""

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Build:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    @property
    def log(self):
        return self.stdout + self.stderr


def run_pelican(content, output, settings="pelicanconf.py", extra=()):
    """The plain Pelican call the README documents, in a subprocess like an editor's."""
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / settings), "-o", str(output),
         "--cache-path", f"{output}-cache", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    return Build(result.returncode, result.stdout, result.stderr, Path(output))


class Site:
    """The built site, read the way a reader's browser gets it."""

    def __init__(self, output):
        self.output = output
        self._pages = {}

    def file(self, url):
        """The file a server returns for a root-relative URL such as /updates/x/."""
        path = self.output / url.lstrip("/")
        return path / "index.html" if url.endswith("/") else path

    def page(self, url):
        if url not in self._pages:
            path = self.file(url)
            assert path.is_file(), f"{url} was not built ({path})"
            self._pages[url] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return self._pages[url]

    def html_files(self):
        return sorted(self.output.rglob("*.html"))


def build_search_index(output):
    """The search index (Pagefind) of a built site, made the way `invoke build` makes it."""
    result = subprocess.run(
        [sys.executable, "plugins/iwelcome/search.py", str(output)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("site")
    build = run_pelican(ROOT / "content", output)
    assert build.returncode == 0, build.log
    build_search_index(output)
    return Site(output)


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The production build (publishconf.py): absolute URLs, feeds, no drafts."""
    output = tmp_path_factory.mktemp("published")
    build = run_pelican(ROOT / "content", output, settings="publishconf.py")
    assert build.returncode == 0, build.log
    return Site(output)


def article(**fields):
    """A Markdown article with valid defaults; a field set to None is left out."""
    values = {
        "Title": "Families win a hearing",
        "Date": "2024-03-15",
        "Summary": "A judge paused four deportations.",
        "Tags": "Asylum",
    }
    values.update(fields)
    header = "\n".join(f"{key}: {value}" for key, value in values.items() if value is not None)
    return header + "\n\nThe body of the article.\n"


@pytest.fixture
def build_site(tmp_path):
    """build_site({"updates/a.md": text, ...}) builds those files as a site and returns the Build."""

    def build(files, settings="pelicanconf.py", extra=()):
        content = tmp_path / "content"
        for name, text in files.items():
            path = content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
        return run_pelican(content, tmp_path / "output", settings=settings, extra=extra)

    return build
