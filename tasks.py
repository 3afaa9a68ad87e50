"""Build, preview, test and publish the I WELCOME site.

On a fresh machine, run a task as `python3 tasks.py TASK` (for example `python3 tasks.py build`):
the first run creates `.venv/` and installs what the task needs, from the lock of its dependency
group in requirements/ (pyproject.toml declares the groups): `test` and `fuzz` the test group,
`deploy` the deploy group, `hooks` the hooks group, every other task the build group. Later runs
reuse `.venv/` and install a group again only when its lock changes; a `.venv/` made by another
Python is made again. Inside the virtual environment, `invoke TASK` does the same without
installing anything.
`python3 tasks.py --list` lists the tasks.

This file starts on whatever Python runs it: everything in it must parse on Python 3.6, so that an
old Python gets check_python()'s one line instead of a SyntaxError (tests/test_bootstrap.py).
"""

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
LOCKS = ROOT / "requirements"  # <group>.txt: the lock of each dependency group of pyproject.toml
MIN_PYTHON = (3, 11)
# The dependency group each task needs; any other task, and --list, needs the build group.
TASK_GROUPS = {"test": "test", "fuzz": "test", "deploy": "deploy", "hooks": "hooks"}
# The groups each group includes (pyproject.toml): its lock pins everything theirs pin.
INCLUDES = {"test": ("build", "deploy", "hooks"), "hooks": ("build",)}


def check_python(version_info=sys.version_info, argv=sys.argv):
    """Stop in one line, exit code 1, unless this Python is new enough for the site."""
    if tuple(version_info[:2]) >= MIN_PYTHON:
        return
    again = " ".join(shlex.quote(arg) for arg in argv)
    sys.exit(
        "This is Python {}, and the site needs Python {}.{} or newer. Install one (from "
        "https://www.python.org/downloads/, with `brew install python@3.12` on macOS, or with "
        "`sudo apt-get install python3.11 python3.11-venv` on Debian or Ubuntu), then run this "
        "again with it, for example `python3.12 {}`.".format(
            ".".join(str(part) for part in version_info[:3]), MIN_PYTHON[0], MIN_PYTHON[1], again
        )
    )


def groups_for(args):
    """The dependency groups to install for a command line's tasks: build unless a task needs
    another, and no group that another one to install already includes."""
    names = [arg for arg in args if not arg.startswith("-")]  # task names, and option values
    wanted = {TASK_GROUPS.get(name, "build") for name in names} or {"build"}
    included = {part for group in wanted for part in INCLUDES.get(group, ())}
    return sorted(wanted - included)


def ensure_venv(groups=("build",)):
    """Create .venv/ when missing or made by another Python, install each group's lock when it is
    missing or changed, and return the environment's Python."""
    made_by = _made_by_another_python()
    if made_by:
        this = _describe(sys.version_info, os.path.realpath(sys.executable))
        print(f".venv/ was made by {made_by}, not by this {this}: making it again ...", flush=True)
        _create_venv()
    stale = [group for group in groups if not _installed(group)]
    if VENV_PYTHON.exists() and not stale:
        return VENV_PYTHON
    if not VENV_PYTHON.exists() or not _has_pip():
        print("Creating .venv/ (first run only) ...", flush=True)
        _create_venv()
    # The stamps are written for the locks as they are now: a lock changed during the install
    # counts as not installed.
    digests = {part: _digest(part) for group in stale for part in (group, *INCLUDES.get(group, ()))}
    names, locks = " and ".join(stale), ", ".join(f"requirements/{group}.txt" for group in stale)
    print(f"Installing the {names} dependencies into .venv/ ({locks}) ...", flush=True)
    command = [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for group in stale:
        command += ["-r", str(LOCKS / (group + ".txt"))]
    if subprocess.run(command).returncode != 0:
        sys.exit(f"Installing the {names} dependencies failed (pip says why above); run this again once that is fixed.")
    (VENV / ".requirements.sha256").unlink(missing_ok=True)  # the stamp of requirements.txt, before the groups
    for group, digest in digests.items():
        _stamp(group).write_text(digest)
    return VENV_PYTHON


def _stamp(group):
    return VENV / f".installed-{group}.sha256"


def _digest(group):
    return hashlib.sha256((LOCKS / (group + ".txt")).read_bytes()).hexdigest()


def _installed(group):
    stamp = _stamp(group)
    return stamp.exists() and stamp.read_text() == _digest(group)


def _describe(version_info, executable):
    return "Python {} ({})".format(".".join(str(part) for part in version_info[:3]), executable)


def _made_by_another_python():
    """Which Python made .venv/ if its pyvenv.cfg names another version or executable than this
    one's, else None. The executable is compared as venv writes it: sys.executable, resolved."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return None  # running in .venv/ itself
    try:
        text = (VENV / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return None  # no .venv/, or not one that works: made again below
    config = {}
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals:
            config[key.strip().lower()] = value.strip()
    version = config.get("version") or config.get("version_info") or "?"  # venv; uv, virtualenv
    executable = config.get("executable") or config.get("base-executable")  # venv 3.11+; virtualenv
    same_version = version.split(".")[:3] == [str(part) for part in sys.version_info[:3]]
    same_executable = not executable or os.path.realpath(executable) == os.path.realpath(sys.executable)
    if same_version and same_executable:
        return None
    return "Python {} ({})".format(version, executable or config.get("home", "?"))


def _has_pip():
    return subprocess.run([VENV_PYTHON, "-m", "pip", "--version"], capture_output=True).returncode == 0


def _create_venv():
    shutil.rmtree(VENV, ignore_errors=True)
    try:
        venv.create(VENV, with_pip=True)
        return
    except subprocess.CalledProcessError:
        shutil.rmtree(VENV, ignore_errors=True)
    # Debian and Ubuntu ship Python's venv module in a separate package.
    package = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(f"Installing {package} with apt-get ...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True)
        venv.create(VENV, with_pip=True)
        return
    sys.exit(
        f"Python cannot create a virtual environment here. Install it with "
        f"`sudo apt-get install {package}` (Debian/Ubuntu), then run this again."
    )


def run_task(python, args):
    """Run the task in .venv/'s Python. On POSIX this process becomes it (exec), so that Ctrl-C
    and SIGTERM reach the task itself, which stops what it started (process_group.py); elsewhere
    it runs as a child, and its exit code is this one's."""
    command = [str(python), "-m", "invoke", *args]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.chdir(ROOT)
        os.execv(command[0], command)
    sys.exit(subprocess.run(command, cwd=ROOT).returncode)


if __name__ == "__main__":
    check_python()
    run_task(ensure_venv(groups_for(sys.argv[1:])), sys.argv[1:])


from invoke import task  # noqa: E402  (after the bootstrap above, which installs it)

CONTENT = "content"
OUTPUT = "output"
PREVIEW = ["-e", "PREVIEW=true"]  # drafts and embargoed items shown in place, with a banner
HOST, PORT = "127.0.0.1", 8000


def run(command, capture=False, env=None):
    """Run a command (a list) from the repository, to its end: Ctrl-C or SIGTERM stop it and
    everything it started, then this task (process_group.py). Returns the CompletedProcess."""
    import process_group

    process_group.interrupt_on_termination()
    environment = None if env is None else {**os.environ, **env}
    return process_group.run([str(part) for part in command], capture=capture, cwd=ROOT, env=environment)


def succeed(command, **options):
    """Run a command (`run`) and stop the task with its exit code if it fails (it says why)."""
    result = run(command, **options)
    if result.returncode != 0:
        sys.exit(result.returncode)
    return result


def pelican(settings="pelicanconf.py", extra=()):
    succeed([sys.executable, "-m", "pelican", CONTENT, "-s", settings, "-o", OUTPUT, *extra])


def listen(task, port, bind):
    """bind(port), the server of a preview; a port that cannot be used stops the task in one
    line that names a free one (site_server.port_problem)."""
    from site_server import free_port, port_problem

    try:
        return bind(int(port))
    except OSError as error:
        sys.exit(port_problem(task, port, error, free_port(HOST, port)))


@task
def clean(c):
    """Remove the built site (output/)."""
    shutil.rmtree(ROOT / OUTPUT, ignore_errors=True)


@task
def build(c):
    """Build the site into output/ with pelicanconf.py, its search index included."""
    pelican()
    print(f"\nThe site is in {OUTPUT}/. Preview it with `python3 tasks.py serve`, then open http://{HOST}:{PORT}/")


@task(pre=[clean])
def rebuild(c):
    """Remove output/, then build."""
    build(c)


@task(help={"port": "the port to serve on (8000); another when that one is in use"})
def serve(c, port=PORT):
    """Preview on http://127.0.0.1:8000/, drafts and embargoed items included (with a banner)."""
    from site_server import make_server  # a missing page gets 404.html, as on the CDN

    port = int(port)
    httpd = listen("serve", port, lambda number: make_server(ROOT / OUTPUT, HOST, number))
    with httpd:
        try:
            pelican(extra=PREVIEW)
            print(
                f"Previewing on http://{HOST}:{port}/ (Ctrl-C stops). Run `build` before you "
                "publish anything from output/: this preview includes drafts."
            )
            httpd.serve_forever()
        except KeyboardInterrupt:
            print("Preview stopped.")


@task(help={"port": "the port to serve on (8000); another when that one is in use"})
def livereload(c, port=PORT):
    """Preview like `serve`, rebuilding on every save and reloading the browser (preview_server.py)."""
    import preview_server
    import process_group

    process_group.interrupt_on_termination()
    port = int(port)
    running = listen("livereload", port, lambda number: preview_server.start(ROOT / CONTENT, ROOT / OUTPUT, number))
    print(
        f"Previewing on http://{HOST}:{port}/ (Ctrl-C stops): every save rebuilds the preview and "
        "reloads the page; a build that fails shows its problems on the page.",
        flush=True,
    )
    try:
        running.preview.stopping.wait()
    except KeyboardInterrupt:
        print("Preview stopped.")
    finally:
        running.stop()


@task
def hooks(c):
    """Install the pre-commit hook into this clone: every commit first runs .pre-commit-config.yaml's checks."""
    succeed([sys.executable, "-m", "pre_commit", "install"])
    print(
        "Every commit now runs the content check first (and ruff on Python files), from .venv/. "
        "To skip it once: git commit --no-verify"
    )


@task
def publish(c):
    """Build the production site into output/ with publishconf.py (search index and manifest included)."""
    pelican(settings="publishconf.py")


@task(
    help={
        "articles": "how many articles the synthetic corpus has",
        "runs": "builds of each kind",
        "json": "where to write the figures",
    }
)
def bench(c, articles=5000, runs=3, json="bench.json"):
    """Build the synthetic corpus with plain Pelican and with this site, cold and again after edits;
    then time the preview from a save to the page served; print and save the figures."""
    succeed([sys.executable, "benchmarks/build_bench.py", "--articles", articles, "--runs", runs, "--json", json])
    succeed([sys.executable, "benchmarks/preview_bench.py", "--articles", articles, "--edits", 7])


@task(help={"sizes": "article counts, comma-separated", "runs": "runs per size (the best is shown)"})
def bench_related(c, sizes="1000,5000,20000", runs=3):
    """Time the related-updates computation alone on the synthetic corpus."""
    succeed([sys.executable, "benchmarks/related_bench.py", "--sizes", sizes, "--runs", runs])


@task(
    help={
        "articles": "the synthetic corpus's articles",
        "site": "this site's content instead",
        "edits": "how many edits of an article's text",
        "title_edits": "how many of its title",
        "topic_edits": "how many that give it a new topic",
    }
)
def bench_preview(c, articles=2000, site=False, edits=7, title_edits=3, topic_edits=3):
    """Time save to served in the preview (livereload): edits of one article, a real HTTP client polling its page."""
    source = ["--site"] if site else ["--articles", articles]
    edits = ["--edits", edits, "--title-edits", title_edits, "--topic-edits", topic_edits]
    succeed([sys.executable, "benchmarks/preview_bench.py", *source, *edits])


@task(
    help={
        "kind": "press-release, update, case-study, action or page; or translation",
        "title": "the title, in quotes; for a translation, the original's file (content/updates/x.md)",
        "content": "the content folder (content/)",
        "lang": "for a translation: its language, as `Lang:` writes it (ar)",
    }
)
def new(c, kind, title, content=CONTENT, lang=None):
    """Write a new content file with every required field and a hint of what goes there;
    `new translation content/updates/x.md --lang ar` writes content/updates/x-ar.md from its original."""
    if kind == "translation":
        if not lang:
            sys.exit("say which language: python3 tasks.py new translation content/updates/x.md --lang ar")
        _new_translation(lang=lang, original=Path(title))
        return
    from datetime import date

    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    sys.path.insert(0, str(ROOT / "plugins"))
    from iwelcome import contract
    from iwelcome.scaffold import scaffold

    site = _site_settings()  # the contract: the site's own, else the plugin's
    try:
        relative, text = scaffold(
            kind,
            title,
            date.today(),
            lambda t: slugify(t, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]),
            contract.content_types(site["CONTENT_TYPES"]),
            contract.action_kinds(site["ACTION_KINDS"]),
            {"CASE_STATUSES": list(site["CASE_STATUSES"])},
        )
    except ValueError as error:
        sys.exit(str(error))
    path = Path(content).resolve() / relative
    if path.exists():
        sys.exit(f"{path} already exists; choose another title or edit that file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {path}. Replace every TODO hint, then run `python3 tasks.py check`.")


def _new_translation(lang, original):
    """new translation LANG FILE: the file of its translation beside the original, with hints."""
    from babel import Locale
    from pelican.settings import read_settings

    sys.path.insert(0, str(ROOT / "plugins"))
    from iwelcome import contract
    from iwelcome.scaffold import translation

    site = _site_settings()
    types = contract.content_types(site["CONTENT_TYPES"])
    folder = original.resolve().parent.name
    if folder in types:
        fields, only_translated = types[folder].fields, False
    elif folder == "pages":
        fields, only_translated = contract.PAGE_FIELDS, False
    elif folder == "actions":
        fields, only_translated = contract.ACTION_FIELDS, True
    else:
        sys.exit(f"{original} is not in a folder of content ({', '.join([*types, 'pages', 'actions'])})")
    if not original.is_file():
        sys.exit(f"{original} is not a file: name the original, such as content/updates/x.md")
    conf = read_settings(str(ROOT / "pelicanconf.py"))
    languages = list(dict.fromkeys([conf["DEFAULT_LANG"], *conf.get("LANGUAGES", [])]))
    language = Locale("en").languages.get(lang, lang)  # 'Arabic', for the hints
    try:
        relative, text = translation(
            f"{folder}/{original.name}",
            original.read_text(encoding="utf-8"),
            lang,
            language,
            {name for name, f in fields.items() if f.translated},
            languages,
            conf["DEFAULT_LANG"],
            only_translated=only_translated,
        )
    except ValueError as error:
        sys.exit(str(error))
    path = original.resolve().parent.parent / relative
    if path.exists():
        sys.exit(f"{path} already exists: edit that file.")
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {path}. Replace every TODO with {language} words, then run `python3 tasks.py check`.")


@task
def editing_tables(c):
    """Write EDITING.md's field tables from the editor's contract (plugins/iwelcome/contract.py)."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from iwelcome import contract

    site = _site_settings()
    tables = contract.editing_tables(
        contract.content_types(site["CONTENT_TYPES"]),
        contract.action_kinds(site["ACTION_KINDS"]),
        {"CASE_STATUSES": list(site["CASE_STATUSES"])},
    )
    path = ROOT / "EDITING.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(contract.with_tables(text, tables), encoding="utf-8")
    print("EDITING.md's field tables are the contract's.")


def _site_settings():
    """The site's settings over the plugin's defaults: what the editor's contract says here."""
    from pelican.settings import read_settings

    sys.path.insert(0, str(ROOT / "plugins"))
    from iwelcome.settings import DEFAULTS

    return {**DEFAULTS, **read_settings(str(ROOT / "pelicanconf.py"))}


@task(
    help={
        "content": "the content folder (content/)",
        "github": "then print each problem as a GitHub annotation on its file and line (CI: README.md, CI)",
    }
)
def check(c, content=CONTENT, github=False):
    """Validate and lint the content without building: errors, then warnings; exit 1 on errors."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:  # nothing is written there: the check stops first
        command = [sys.executable, "-m", "pelican", content, "-s", "pelicanconf.py", "-o", scratch]
        result = run([*command, "-e", "CHECK_ONLY=true", "--log-handler", "plain"], capture=github)
    if github:
        _print_for_github(result, content)
    sys.exit(result.returncode)


def _print_for_github(result, content):
    """check --github: the check's own lines, while GitHub reads no workflow command (so that no
    text from the content can pass for one), then one annotation per problem (report.py)."""
    import secrets

    sys.path.insert(0, str(ROOT / "plugins"))
    from iwelcome.report import github_annotations

    token = secrets.token_hex(16)
    print(f"::stop-commands::{token}", flush=True)
    print(result.stderr + result.stdout, end="", flush=True)
    print(f"::{token}::", flush=True)
    parent = os.path.relpath(os.path.dirname(os.path.abspath(content)), ROOT)  # problems name content/...
    annotations = github_annotations(
        result.stdout, prefix="" if parent == "." else parent, is_file=lambda path: (ROOT / path).is_file()
    )
    if result.returncode and not any(line.startswith("::error") for line in annotations):
        annotations.append("::error title=Content check::the check stopped without listing problems: see its output")
    print("\n".join(annotations), flush=True)


@task(help={"examples": "how many generated sites to build", "seed": "Hypothesis's seed (default: a new one each run)"})
def fuzz(c, examples=500, seed=None):
    """Build many generated hostile sites (tests/test_trust_properties.py) and check each one."""
    import random
    import time

    seed = int(seed) if seed is not None else random.randrange(2**32)
    print(
        f"Fuzzing the trust boundary: {examples} generated sites, seed {seed} "
        f"(again: python3 tasks.py fuzz --examples {examples} --seed {seed})",
        flush=True,
    )
    started = time.perf_counter()
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_trust_properties.py"],
        env={"TRUST_FUZZ_EXAMPLES": str(examples), "TRUST_FUZZ_SEED": str(seed)},
    )
    found = "nothing found" if result.returncode == 0 else "see the failure above"
    print(f"{examples} sites in {time.perf_counter() - started:.0f} s: {found}")
    sys.exit(result.returncode)


@task
def test(c):
    """Run the whole test suite (it builds the real site in a temporary folder)."""
    succeed([sys.executable, "-m", "pytest"])


@task(
    help={
        "dry_run": "print the plan (uploads, deletions, invalidations, bytes) and change nothing",
        "force": "deploy even if it deletes more than DEPLOY_MAX_DELETES or DEPLOY_MAX_DELETE_SHARE allow",
        "reupload": "upload every file, changed or not (after a change to DEPLOY_HEADERS)",
    }
)
def deploy(c, dry_run=False, force=False, reupload=False):
    """Upload the production build in output/ to DEPLOY_BUCKET and invalidate the CDN (deploy.py)."""
    options = ["--dry-run"] * dry_run + ["--force"] * force + ["--reupload"] * reupload
    succeed([sys.executable, "deploy.py", OUTPUT, "--settings", "publishconf.py", *options])


# --- The interface's words in other languages (README.md, "Sharing, feeds and languages") -----

TRANSLATIONS = "theme/translations"
MESSAGES_POT = f"{TRANSLATIONS}/messages.pot"
# pybabel as a module, run from the repository: babel.cfg's extractor for pelicanconf.py is
# plugins.iwelcome.i18n:extract_settings, which Python then finds.
PYBABEL = f"{sys.executable} -m babel.messages.frontend"


@task
def translations_extract(c):
    """Write every word the templates and the plugin mark for translation to theme/translations/messages.pot."""
    c.run(
        f"{PYBABEL} extract -F babel.cfg -o {MESSAGES_POT} --add-comments=Translators: --strip-comments "
        f'--project="I WELCOME" --version=site --copyright-holder="I WELCOME" '
        f'--ignore-dirs=".* ._ output cache content tests test-artifacts benchmarks __pycache__" .',
        pty=False,
    )


@task
def translations_update(c):
    """Merge messages.pot into each language's messages.po: new words to translate, changed ones marked fuzzy."""
    c.run(f"{PYBABEL} update -i {MESSAGES_POT} -d {TRANSLATIONS} --previous", pty=False)


@task(help={"lang": "the language's code, as `Lang:` writes it (ar)"})
def translations_init(c, lang):
    """Start the catalogue of a new language: theme/translations/<lang>/LC_MESSAGES/messages.po."""
    import shlex

    c.run(f"{PYBABEL} init -i {MESSAGES_POT} -d {TRANSLATIONS} -l {shlex.quote(lang)}", pty=False)


@task
def translations_compile(c):
    """Compile each language's messages.po with pybabel and count what is translated; fails on a broken one.

    The .mo files go to a temporary folder: the build compiles the .po files itself, in memory
    (plugins/iwelcome/i18n.py), so nothing needs them."""
    import tempfile

    catalogues = sorted(Path(ROOT, TRANSLATIONS).glob("*/LC_MESSAGES/messages.po"))
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        for po in catalogues:
            lang = po.parent.parent.name
            result = c.run(
                f"{PYBABEL} compile --statistics -l {lang} -i {po.relative_to(ROOT)} -o {Path(scratch, lang + '.mo')}",
                warn=True,
                pty=False,
            )
            failed = failed or not result.ok
    sys.exit(1 if failed else 0)
