"""Build, preview, test and publish the I WELCOME site.

On a fresh machine, run a task as `python3 tasks.py TASK` (for example `python3 tasks.py build`):
the first run creates `.venv/` with the pinned dependencies from requirements.txt, later runs
reuse it and reinstall only when the pins change. Inside the virtual environment, `invoke TASK`
does the same. `python3 tasks.py --list` lists the tasks.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
REQUIREMENTS = ROOT / "requirements.txt"


def ensure_venv():
    """Create .venv/ and install the pins when missing or changed; return its Python."""
    stamp = VENV / ".requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if VENV_PYTHON.exists() and stamp.exists() and stamp.read_text() == wanted:
        return VENV_PYTHON
    if not VENV_PYTHON.exists() or not _has_pip():
        print("Creating .venv/ (first run only) ...", flush=True)
        _create_venv()
    print("Installing the pinned dependencies into .venv/ ...", flush=True)
    subprocess.run(
        [VENV_PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", REQUIREMENTS],
        check=True,
    )
    stamp.write_text(wanted)
    return VENV_PYTHON


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
    sys.exit(f"Python cannot create a virtual environment here. Install it with "
             f"`sudo apt-get install {package}` (Debian/Ubuntu), then run this again.")


if __name__ == "__main__":
    python = ensure_venv()
    sys.exit(subprocess.run([python, "-m", "invoke", *sys.argv[1:]], cwd=ROOT).returncode)


from http.server import SimpleHTTPRequestHandler  # noqa: E402

from invoke import task  # noqa: E402  (after the bootstrap above, which installs it)

CONTENT = "content"
OUTPUT = "output"
PREVIEW = "-e PREVIEW=true"  # drafts and embargoed items shown in place, with a banner
HOST, PORT = "127.0.0.1", 8000


def pelican(c, settings="pelicanconf.py", extra=""):
    c.run(f"{sys.executable} -m pelican {CONTENT} -s {settings} -o {OUTPUT} {extra}", pty=False)


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site; a missing page gets the site's 404.html with status 404, as on the CDN."""

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@task
def clean(c):
    """Remove the built site (output/)."""
    shutil.rmtree(ROOT / OUTPUT, ignore_errors=True)


@task
def build(c):
    """Build the site into output/ with pelicanconf.py, its search index included."""
    pelican(c)
    print(f"\nThe site is in {OUTPUT}/. Preview it with `python3 tasks.py serve`, "
          f"then open http://{HOST}:{PORT}/")


@task(pre=[clean])
def rebuild(c):
    """Remove output/, then build."""
    build(c)


@task
def serve(c, port=PORT):
    """Preview on http://127.0.0.1:8000/, drafts and embargoed items included (with a banner)."""
    from functools import partial
    from http.server import ThreadingHTTPServer

    pelican(c, extra=PREVIEW)
    print(f"Previewing on http://{HOST}:{port}/ (Ctrl-C stops). Run `build` before you "
          "publish anything from output/: this preview includes drafts.")
    with ThreadingHTTPServer((HOST, int(port)), partial(SiteHandler, directory=ROOT / OUTPUT)) as httpd:
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


@task(help={"search": "rebuild the search index on every save too (--no-search to skip it)"})
def livereload(c, port=PORT, search=True):
    """Preview like `serve`, rebuilding on every save and reloading the browser."""
    from livereload import Server

    # The search index takes a third of a second for this site; about 2 s per 1,000 articles.
    no_search = "" if search else " -e SEARCH_INDEX=false"

    def rebuild_site():
        c.run(f"{sys.executable} -m pelican {CONTENT} -s pelicanconf.py -o {OUTPUT} {PREVIEW}{no_search}", warn=True, pty=False)

    rebuild_site()
    server = Server()
    for pattern in (f"{CONTENT}/**/*", "theme/**/*", "plugins/**/*.py", "pelicanconf.py"):
        server.watch(pattern, rebuild_site)
    server.serve(host=HOST, port=port, root=OUTPUT)


@task
def publish(c):
    """Build the production site into output/ with publishconf.py (search index and manifest included)."""
    pelican(c, settings="publishconf.py")


@task(help={"articles": "how many articles the synthetic corpus has", "runs": "builds of each kind",
            "json": "where to write the figures"})
def bench(c, articles=5000, runs=3, json="bench.json"):
    """Build the synthetic corpus with plain Pelican and with this site; print and save the figures."""
    c.run(f"{sys.executable} benchmarks/build_bench.py --articles {articles} --runs {runs} --json {json}", pty=False)


@task(help={"sizes": "article counts, comma-separated", "runs": "runs per size (the best is shown)"})
def bench_related(c, sizes="1000,5000,20000", runs=3):
    """Time the related-updates computation alone on the synthetic corpus."""
    c.run(f"{sys.executable} benchmarks/related_bench.py --sizes {sizes} --runs {runs}", pty=False)


@task(help={"kind": "press-release, update, case-study, action or page", "title": "the title, in quotes",
            "content": "the content folder (content/)"})
def new(c, kind, title, content=CONTENT):
    """Write a new content file with every required field and a hint of what goes there."""
    from datetime import date

    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    sys.path.insert(0, str(ROOT / "plugins"))
    from iwelcome.scaffold import scaffold

    try:
        relative, text = scaffold(kind, title, date.today(),
                                  lambda t: slugify(t, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]))
    except ValueError as error:
        sys.exit(str(error))
    path = Path(content).resolve() / relative
    if path.exists():
        sys.exit(f"{path} already exists; choose another title or edit that file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {path}. Replace every TODO hint, then run `python3 tasks.py check`.")


@task(help={"content": "the content folder (content/)"})
def check(c, content=CONTENT):
    """Validate and lint the content without building: errors, then warnings; exit 1 on errors."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:  # nothing is written there: the check stops first
        result = c.run(f"{sys.executable} -m pelican {content} -s pelicanconf.py -o {scratch} "
                       f"-e CHECK_ONLY=true --log-handler plain", warn=True, pty=False)
    sys.exit(result.exited)


@task(help={"examples": "how many generated sites to build", "seed": "Hypothesis's seed (default: a new one each run)"})
def fuzz(c, examples=500, seed=None):
    """Build many generated hostile sites (tests/test_trust_properties.py) and check each one."""
    import random
    import time

    seed = int(seed) if seed is not None else random.randrange(2**32)
    print(f"Fuzzing the trust boundary: {examples} generated sites, seed {seed} "
          f"(again: python3 tasks.py fuzz --examples {examples} --seed {seed})", flush=True)
    started = time.perf_counter()
    result = c.run(f"{sys.executable} -m pytest -q -p no:cacheprovider tests/test_trust_properties.py",
                   env={"TRUST_FUZZ_EXAMPLES": str(examples), "TRUST_FUZZ_SEED": str(seed)}, warn=True, pty=False)
    print(f"{examples} sites in {time.perf_counter() - started:.0f} s: {'nothing found' if result.ok else 'see the failure above'}")
    sys.exit(result.exited)


@task
def test(c):
    """Run the whole test suite (it builds the real site in a temporary folder)."""
    c.run(f"{sys.executable} -m pytest", pty=False)


@task(help={"dry_run": "print the plan (uploads, deletions, invalidations, bytes) and change nothing",
            "force": "deploy even if it deletes more than DEPLOY_MAX_DELETES or DEPLOY_MAX_DELETE_SHARE allow",
            "reupload": "upload every file, changed or not (after a change to DEPLOY_HEADERS)"})
def deploy(c, dry_run=False, force=False, reupload=False):
    """Upload the production build in output/ to DEPLOY_BUCKET and invalidate the CDN (deploy.py)."""
    options = " --dry-run" * dry_run + " --force" * force + " --reupload" * reupload
    c.run(f"{sys.executable} deploy.py {OUTPUT} --settings publishconf.py{options}", pty=False)
