"""Shared fixtures and helpers: the real site built once per session, small fixture sites built
on demand, the real content as its files say, and what a failed build must look like. Test
modules take these from here (`from conftest import ...`), never from one another."""

import os
import re
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from iwelcome import contract
from iwelcome.settings import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent


MOTO_SERVER = Path(sys.executable).parent / "moto_server"


@pytest.fixture(scope="module")
def endpoint():
    """moto_server (a fake S3 and CloudFront) on a free port of 127.0.0.1, stopped after the
    module: the deploy's and the previews' tests."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"moto_server stopped (exit code {server.returncode})")
            time.sleep(0.05)
    else:
        pytest.fail("moto_server did not answer within 10 s")
    yield url
    server.terminate()
    server.wait(timeout=10)


def create_distribution(cloudfront, bucket):
    """A CloudFront distribution in front of `bucket`, on moto_server: its id."""
    answer = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": uuid.uuid4().hex,
            "Comment": "test",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": f"{bucket}.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "site",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
        }
    )
    return answer["Distribution"]["Id"]


CONTENT = ROOT / "content"


def setting(name):
    """A setting of pelicanconf.py, the file the build reads."""
    namespace = {}
    exec((ROOT / "pelicanconf.py").read_text(encoding="utf-8"), namespace)
    return namespace[name]


# --- The real content, as its files say ----------------------------------------------------------

# The editor's contract, as the plugin declares it (settings.py, read through contract.py): the
# tests take types, kinds, labels and fields from here, never from a list of their own.
TYPES = contract.content_types(DEFAULTS["CONTENT_TYPES"])  # folder -> Kind
ACTION_KINDS = contract.action_kinds(DEFAULTS["ACTION_KINDS"])  # kind -> Kind
LISTS = {
    "CASE_STATUSES": DEFAULTS["CASE_STATUSES"],
    "ACTION_KINDS": list(ACTION_KINDS),
    "OUTCOMES": ["live", "victory", "closed"],
}
TYPE_FOLDERS = list(TYPES)


def metadata(path):
    """The `Key: value` lines at the top of a content file, keys lower-cased."""
    meta = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta


def articles(folder, translations=False):
    """The content files of a folder: originals only, unless translations are asked for too."""
    return sorted(p for p in (CONTENT / folder).glob("*.md") if translations or "lang" not in metadata(p))


def url_of(path):
    """The address of a content file's page, as its metadata and folder make it."""
    meta = metadata(path)
    folder = path.parent.name
    slug = meta.get("slug", path.stem)
    prefix = f"/{meta['lang']}" if "lang" in meta else ""
    if meta.get("save_as"):
        return "/" + meta["save_as"].removesuffix("index.html")
    if folder == "pages":
        return f"{prefix}/{slug}/"
    return f"{prefix}/{folder}/{slug}/"


# --- The commands an editor types --------------------------------------------------------------


def python_that_made_the_venv():
    """The tests run in .venv/: the docs' `python3` is run as the Python that made it. Another one
    would make .venv/ again (tasks.py's bootstrap), under the running tests."""
    config = ROOT / ".venv" / "pyvenv.cfg"
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() or not config.exists():
        return "python3"
    values = dict(line.split("=", 1) for line in config.read_text(encoding="utf-8").splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in values.items()}.get("executable", "python3")


def repository_copy(folder):
    """A copy of this repository's files as they are now (tracked, and new ones not ignored) in
    `folder`, made a git repository with one commit, its `.venv` a link to this one's: the place
    to run a command that writes (new, translations, hooks). Returns the folder."""
    import shutil

    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=folder, check=True)
    with open(folder / ".git" / "info" / "exclude", "a", encoding="utf-8") as exclude:
        exclude.write(".venv\n")
    subprocess.run([*git, "add", "-A"], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "the site"], cwd=folder, check=True)
    return folder


# --- Builds ----------------------------------------------------------------------------------------


@dataclass
class Build:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    @property
    def log(self):
        return self.stdout + self.stderr


def run_pelican(content, output, settings="pelicanconf.py", extra=(), search=False):
    """The plain Pelican call the README documents, in a subprocess like an editor's. Its search
    index (Pagefind, a third of a second) only when the test needs it: `search=True`. (Pelican
    keeps only the last `-e`: the settings of `extra`'s `-e` and SEARCH_INDEX go into one.)"""
    extra = list(extra)
    if not search:
        if "-e" in extra:
            extra.insert(extra.index("-e") + 1, "SEARCH_INDEX=false")
        else:
            extra += ["-e", "SEARCH_INDEX=false"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-s",
            str(ROOT / settings),
            "-o",
            str(output),
            "--cache-path",
            f"{output}-cache",
            *extra,
        ],
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


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("site")
    build = run_pelican(CONTENT, output, search=True)
    assert build.returncode == 0, build.log
    return Site(output)


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The production build (publishconf.py): absolute URLs, feeds, no drafts."""
    output = tmp_path_factory.mktemp("published")
    build = run_pelican(CONTENT, output, settings="publishconf.py", search=True)
    assert build.returncode == 0, build.log
    return Site(output)


class Symlink(str):
    """In `build_site` files: make a symbolic link to this target instead of a file."""


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


def action(**fields):
    """A call-to-action file (content/actions/) with valid defaults; a field set to None is left out."""
    values = {
        "Title": "Tell DHS to stop jailing asylum seekers",
        "Kind": "letter",
        "Button": "Write to DHS",
        "Url": "https://act.example/letters/dhs",
    }
    values.update(fields)
    header = "\n".join(f"{key}: {value}" for key, value in values.items() if value is not None)
    return header + "\n\nA short letter takes five minutes.\n"


@pytest.fixture
def build_site(tmp_path):
    """build_site({"updates/a.md": text, ...}) builds those files as a site and returns the Build."""

    def build(files, settings="pelicanconf.py", extra=(), search=False):
        content = tmp_path / "content"
        for name, text in files.items():
            path = content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, Symlink):
                path.symlink_to(str(text))
            elif isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
        return run_pelican(content, tmp_path / "output", settings=settings, extra=extra, search=search)

    return build


# --- A build that fails: exit 1, one line per problem, nothing written -------------------------

PNG = (  # a 1x1 transparent PNG, so that an image a fixture site needs is really an image
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def problem_lines(build):
    """The `path:line: Field: message` lines a stopped build printed."""
    return [line.strip() for line in build.stderr.splitlines() if line.startswith("  ")]


def assert_fails_with(build, *patterns):
    """The build stopped cleanly (exit 1, no traceback, nothing written) and named its problems,
    each pattern matching exactly one problem line; returns the lines."""
    assert build.returncode == 1, build.log
    assert "Traceback" not in build.log, build.log
    assert not build.output.exists() or not any(build.output.iterdir()), "a failed build wrote files"
    lines = problem_lines(build)
    assert lines, build.log
    for pattern in patterns:
        matching = [line for line in lines if re.search(pattern, line)]
        assert len(matching) == 1, f"{pattern!r} should match one of:\n" + "\n".join(lines)
    return lines


# --- What a reader may get: the allowlist, checked on a built site (tests/test_trust*.py) ------

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "cite", "data", "srcset", "background", "ping"}
PAGE_ELEMENTS = {  # what the templates write around the text (the text itself: plugins/iwelcome/markup.py)
    "html",
    "head",
    "body",
    "meta",
    "title",
    "link",
    "script",
    "header",
    "main",
    "footer",
    "nav",
    "section",
    "article",
    "aside",
    "form",
    "label",
    "input",
    "button",
    "svg",
    "rect",
    "path",
    "noscript",
    "time",
}


def unsafe_markup(html, where):
    """Problems with one HTML document or fragment: elements, attributes and URL schemes that
    could run a script or reach another site, beyond what the site's own templates write."""
    import json

    from iwelcome.markup import TAGS, url_scheme

    found = []
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        name = element.name
        if name not in TAGS and name not in PAGE_ELEMENTS:
            found.append(f"{where}: <{name}>")
        if name == "script":
            if element.get("type") == "application/ld+json":
                json.loads(element.string or "null")
                if "</" in (element.string or ""):
                    found.append(f"{where}: '</' inside JSON-LD")
            elif (
                not str(element.get("src", "")).split("/", 3)[-1].startswith(("pagefind/", "theme/js/"))
                or element.string
            ):
                found.append(f"{where}: a script that is not the site's own: {element}")
        if name == "meta" and element.get("http-equiv") and element["http-equiv"].lower() != "content-security-policy":
            found.append(f"{where}: <meta http-equiv={element['http-equiv']}>")
        if (
            name in ("form", "input", "button")
            and not element.find_parent("form", attrs={"role": "search"})
            and not (name == "form" and element.get("role") == "search")
        ):
            found.append(f"{where}: <{name}> outside the site's search forms")
        for attribute, value in element.attrs.items():
            if attribute.lower().startswith("on"):
                found.append(f"{where}: {attribute} on <{name}>")
            if attribute.lower() in URL_ATTRIBUTES:
                for url in value if isinstance(value, list) else [value]:
                    scheme = url_scheme(url)
                    if scheme and scheme not in SAFE_SCHEMES:
                        found.append(f"{where}: {attribute}={url!r} on <{name}>")
            if attribute.lower() == "style":
                found.append(f"{where}: a style attribute on <{name}>")
    return found


def unsafe_output(output):
    """Problems with every file of a built site: pages, feeds (their HTML) and JSON."""
    import json
    import xml.etree.ElementTree as ET

    found = []
    for path in sorted(Path(output).rglob("*")):
        if path.is_symlink():
            found.append(f"{path}: a symbolic link in the output")
            continue
        if not path.is_file() or "pagefind" in path.parts:
            continue
        relative = path.relative_to(output).as_posix()
        if path.suffix == ".html":
            found += unsafe_markup(path.read_text(encoding="utf-8"), relative)
        elif path.suffix == ".xml":
            root = ET.fromstring(path.read_bytes())
            for node in root.iter():
                if node.get("type") == "html" and node.text:
                    found += unsafe_markup(node.text, f"{relative} <{node.tag.split('}')[-1]}>")
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
    return found


# --- The preview of `livereload` (preview_server.py) on a fixture site ---------------------------

GATE_PLUGIN = '''
"""A test's hold on the preview's builds: while the file `hold` is next to this plugin, a build
waits at its start; while `hold-writing` is, it waits once everything is read, checked and
prepared (after the plugin's own steps, the edited pages written first among them), before it
renders the site. Polled, for a minute at most: the test sees the preview during a build."""
import time
from pathlib import Path

from pelican import signals

HOLD = Path(__file__).with_name("hold")
HOLD_WRITING = Path(__file__).with_name("hold-writing")


def wait_for(hold):
    deadline = time.monotonic() + 60
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def wait(pelican):
    wait_for(HOLD)


def wait_before_writing(generators):
    waiting = HOLD_WRITING.with_name("waiting-to-write")  # says that the build came this far
    waiting.touch()
    try:
        wait_for(HOLD_WRITING)
    finally:
        waiting.unlink()


def register():
    signals.initialized.connect(wait)
    signals.all_generators_finalized.connect(wait_before_writing)  # connected after the plugin's
'''


@dataclass
class PreviewSite:
    """A started preview of a fixture site: its address, its content folder, its output, and
    `hold`, a file that keeps every build waiting at its start while it exists (`hold_writing`:
    waiting once it has prepared everything, before it renders the site)."""

    running: object
    address: str
    content: Path
    output: Path
    hold: Path

    @property
    def hold_writing(self):
        return self.hold.with_name("hold-writing")

    @property
    def waiting_to_write(self):
        """There while a build waits at `hold_writing`."""
        return self.hold.with_name("waiting-to-write")

    def status(self, since=None, timeout=30):
        """The preview's status; with `since`, once a build after that one has ended."""
        import json
        import urllib.request

        query = "" if since is None else f"?since={since}"
        with urllib.request.urlopen(f"{self.address}/__preview__/status{query}", timeout=timeout) as answer:
            return json.loads(answer.read())

    def write(self, name, text):
        """Write a content file: text (dedented), or bytes as they are (an image)."""
        path = self.content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


@pytest.fixture
def preview_site(tmp_path):
    """preview_site({"updates/a.md": text, ...}) starts the preview of those files, waits for its
    first build, and returns a PreviewSite; the fixture stops it after the test."""
    import preview_server

    started = []
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "gate.py").write_text(GATE_PLUGIN, encoding="utf-8")
    settings = tmp_path / "previewconf.py"

    def start(files, hold=False, **values):
        """hold=True: the first build waits until the test removes site.hold (and this returns at
        once); `values`: settings of the site's preview builds (PARALLEL_CHECKS=1)."""
        settings.write_text(
            "import sys\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "from pelicanconf import *\n"
            f"THEME = {str(ROOT / 'theme')!r}\n"
            f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}, {str(gate)!r}]\n"
            "PLUGINS = [*PLUGINS, 'gate']\n" + "".join(f"{name} = {value!r}\n" for name, value in values.items()),
            encoding="utf-8",
        )
        content, output = tmp_path / "content", tmp_path / "output"
        site = PreviewSite(None, "", content, output, gate / "hold")
        for name, text in files.items():
            site.write(name, text)
        if hold:
            site.hold.touch()
        site.running = preview_server.start(content, output, settings=settings, cache=tmp_path / "cache")
        started.append(site.running)
        site.address = site.running.address
        if hold:
            return site
        first = site.status(since=0, timeout=60)
        while first["build"] == 0:  # the long poll answers every 20 s, built or not
            first = site.status(since=0, timeout=60)
        assert first["good"], first
        return site

    yield start
    for running in started:
        running.stop()
