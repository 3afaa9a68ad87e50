"""The preview of `python3 tasks.py livereload`: serves the last good build while it rebuilds,
reloads the browser when the new one is ready, and shows a failed build's problems on the page.

- It watches the content, the theme, the plugins and the settings file (watchfiles, which Pelican
  needs too; a burst of saves is one change), and rebuilds with a preview build (PREVIEW on),
  without the search index, in a fork of a warm worker that has imported Pelican and the plugin
  once (about half of a small site's build was Python importing them), so each build starts from
  the same state as a new process; a change to plugins/ or the settings starts a new worker.
- Meanwhile it serves output/ as it is (site_server.SiteHandler: a missing page gets 404.html with
  status 404). A build that fails writes nothing, so the last good site stays.
- A good build's process is kept (build_worker). A save that changed only content files is first
  offered to it: the pages of items whose text alone changed are written at once, from what that
  build read (plugins/iwelcome/edited_page.py says when, and how it proves the page is made as
  the build makes it); then the build runs as always and writes the same bytes. If it fails, the
  kept process puts those pages back. The build of a save to content files writes the pages of
  the edited items first, once it has checked and prepared everything, and says which as it goes
  (build_worker): they are reloaded then, before the rest of the site is rendered.
- Every HTML answer gets `<script src="/__preview__/reload.js" defer>` before `</head>`, added
  as it is sent: the files in output/ are a preview build's, byte for byte. The script (preview/
  reload.js, from this server, as the pages' Content-Security-Policy allows) asks
  /__preview__/status, which answers once a build after the page's has ended, or a quick write
  after the page's was made (a long poll): a good build reloads the page (unless it left the page
  as the quick write the page is from wrote it), and so does a quick write of the page; a failed
  build shows its `path:line: Field: message` lines over it.
- After a good build, the search index (Pagefind, plugins/iwelcome/search.py) is made in the
  background, after the reload: it never delays a page. A new change stops it and it starts again
  after the next good build.

`start(content, output, port)` starts it and returns it running, which `stop()` stops (the
benchmark and the tests use it); the livereload task runs it until Ctrl-C or SIGTERM. The
standard library, watchfiles and the site's own server; it imports nothing of Pelican (the build
worker and the kept process, its forks, do).
"""

import contextlib
import importlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import watchfiles

import process_group
from site_server import SiteHandler, make_server

ROOT = Path(__file__).resolve().parent
ASSETS = ROOT / "preview"  # reload.js and reload.css, served under /__preview__/
PREFIX = "/__preview__/"
PREVIEW_SETTINGS = "PREVIEW=true SEARCH_INDEX=false"  # one -e: Pelican keeps only the last
READ_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")  # the files Pelican's Markdown reader reads
WAIT = 20.0  # seconds a status request waits for a new build before it answers with the same one
# The search index of the built site, as the build makes it (plugins/iwelcome/search.py).
SEARCH_INDEX = "import sys; from iwelcome.search import build_search_index; build_search_index(sys.argv[1])"
# What every build imports, imported once by the build worker, whose forks then share it: about
# half of a small site's build is Python importing these.
WARM_MODULES = ("pelican", "pelican.generators", "pelican.readers", "pelican.writers", "markdown", "jinja2")
WARM_MODULES += ("babel.dates", "babel.numbers", "babel.support", "typogrify.filters", "smartypants", "nh3")
WARM_MODULES += ("iwelcome",)  # the plugin: the worker is started again when plugins/ changes
FORK = hasattr(os, "fork")  # POSIX: builds are forks of the warm worker; elsewhere, new processes
WORKER = "import sys, preview_server; preview_server.build_worker(sys.argv[1])"


# The answer for a page that is not there while output/ has no 404.html yet (the first build).
WAITING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Preview</title>{tag}</head>
<body><h1>The preview is being built</h1>
<p>This page reloads by itself once the build has ended.</p></body></html>
"""


# --- What the browser gets: pure functions ------------------------------------------------------


def reload_tag(build, edits=0):
    """The script element every HTML answer gets: the reloader, and the build and the quick write
    the page is from."""
    return (
        f'<script src="{PREFIX}reload.js" data-build="{int(build)}" data-edits="{int(edits)}" defer></script>'.encode()
    )


def with_reload_script(html, build, edits=0):
    """HTML bytes with the reloader before `</head>` (or `</body>`, or at the end)."""
    tag = reload_tag(build, edits)
    for closing in (rb"</head\s*>", rb"</body\s*>"):
        match = re.search(closing, html, re.IGNORECASE)
        if match:
            return html[: match.start()] + tag + html[match.start() :]
    return html + tag


STOPPED = "The site was not built:"  # how plugins/iwelcome/report.stop_build starts its lines


def build_problems(stderr):
    """What a failed build printed, as lines for the page: the `path:line: Field: message` lines
    under report.stop_build's first line (each indented by two spaces), or else the last line it
    printed (a crash's message)."""
    lines = stderr.splitlines()
    starts = [number for number, line in enumerate(lines) if line.startswith(STOPPED)]
    if starts:
        listed = []
        for line in lines[starts[-1] + 1 :]:
            if not line.startswith("  "):
                break
            listed.append(line.strip())
        if listed:
            return listed
    last = [line.strip() for line in lines if line.strip()][-1:]
    return last or ["the build stopped without saying why: see the terminal"]


def status_after(status, since, edits=None):
    """Whether a status request that knows build `since` (and quick write `edits`) should be
    answered now: a build ended after it (a good one, to reload to; a failed one, to show), or
    pages were written quickly after it (to reload, if the page is one of them)."""
    return status["build"] > since or (edits is not None and status["edits"] > edits)


def quick_paths(changed, content, is_file):
    """The files of a save to ask a quick write for ([] for none): all must be in `content`; a
    file gone is left out (an editor's save may leave a short-lived one behind it, as vim's
    `4913`), unless Pelican reads such files: a deleted item's page must go, which only the build
    does. `is_file(path)`: whether it is a file now."""
    paths = sorted({Path(path) for path in changed})
    if not paths or not all(path.is_relative_to(content) for path in paths):
        return []
    present = [path for path in paths if is_file(path)]
    if any(path.suffix in READ_SUFFIXES for path in paths if path not in present):
        return []
    return present


def settled_pages(quick_written, read):
    """{address: quick write's number} of the pages written quickly before a good build that the
    build left byte for byte as they were then (`read(name)`: the file's bytes now, or None)."""
    return {
        page_address(name): edits
        for name, (edits, data) in sorted(quick_written.items())
        if data is not None and read(name) == data
    }


def read_or_none(path):
    try:
        return path.read_bytes()
    except OSError:
        return None


def page_address(name):
    """The address a page file is served at: 'updates/x/index.html' -> '/updates/x/'."""
    name = name.replace(os.sep, "/")
    return "/" + (name[: -len("index.html")] if name == "index.html" or name.endswith("/index.html") else name)


# --- The build worker (a process of its own) ---------------------------------------------------------


def build_worker(plugins):
    """The warm process of the preview's builds: imports WARM_MODULES once (the plugin from
    `plugins`), then, for each line on its stdin (JSON: Pelican's arguments, the files for its
    output and its errors, where the build's process is to listen once it is good, and the edited
    files whose pages it writes first), forks a child that runs that build and answers with the
    pages it wrote first, as soon as it has (a JSON line, {"written": [page files]}), and the
    child's exit code, one line. Each build starts from the same state, as a new process would.

    A good build's child does not end: it stays, holding what it read, and writes edited pages on
    request at that address (`keep_for_quick_writes`) until the next good build's child takes its
    place, or the worker ends."""
    sys.path.insert(0, plugins)
    for name in WARM_MODULES:
        with contextlib.suppress(Exception):  # a module that fails here fails in the build, and says why there
            importlib.import_module(name)
    kept = None  # the pid of the last good build's child
    try:
        for line in sys.stdin:
            argv, out, err, address, first = json.loads(line)
            reading, writing = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(reading)
                build_in_child(argv, out, err, writing, address, first)
            os.close(writing)
            with os.fdopen(reading, encoding="utf-8") as said:
                for answer in said:  # what the build wrote first (JSON lines), then its exit code
                    if not answer.startswith("{"):
                        break
                    print(answer.strip(), flush=True)
                else:
                    answer = ""
            if answer.strip() == "0" and address:
                if kept is not None:
                    end_child(kept)
                kept = pid
                code = 0
            else:
                _, status = os.waitpid(pid, 0)
                code = int(answer) if answer.strip() else os.waitstatus_to_exitcode(status)
            print(code, flush=True)
    finally:
        if kept is not None:
            end_child(kept)


def written_line(pages):
    """What a build says of the pages it wrote first: one JSON line, as bytes."""
    return json.dumps({"written": pages}).encode() + b"\n"


def end_child(pid):
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def build_in_child(argv, out, err, report_to, address, first=()):
    """In the forked child: Pelican's main with `argv`, its output into the files `out` and
    `err`; then its exit code, one line, to the file descriptor `report_to`. Before it, the build
    writes the pages of the files `first` before any other (edited_page.write_first) and says
    which, a JSON line to `report_to`. A good build with an `address` then stays
    (keep_for_quick_writes); otherwise the child ends with the build's code."""
    code = 1
    try:
        for path, number in ((out, 1), (err, 2)):
            with open(path, "w", encoding="utf-8") as file:
                os.dup2(file.fileno(), number)
        import pelican

        if first:
            from iwelcome import edited_page

            edited_page.write_first(first, lambda pages: os.write(report_to, written_line(pages)))

        try:
            pelican.main(argv)
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        listener = listen_at(address) if code == 0 and address else None
        os.write(report_to, f"{code}\n".encode())
        if listener is not None:
            keep_for_quick_writes(listener)
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def listen_at(address):
    """A Unix socket listening at `address` (a path), or None where there is none (no quick writes)."""
    if not hasattr(socket, "AF_UNIX"):
        return None
    try:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(address)
        listener.listen(4)
    except OSError:
        return None
    return listener


def keep_for_quick_writes(listener):
    """A good build's child, kept: for each request (a JSON line: {"write": [source files]} or
    {"undo": true}), the plugin's quick write (plugins/iwelcome/edited_page.py) answers, one JSON
    line: {"written": [page files]}, {"declined": why} or {"restored": [page files]}. What it
    logs is not kept: the build that follows says it again."""
    from iwelcome import edited_page

    with open(os.devnull, "w", encoding="utf-8") as nowhere:
        os.dup2(nowhere.fileno(), 1)
        os.dup2(nowhere.fileno(), 2)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the preview, which ends this
    while True:
        connection, _ = listener.accept()
        with connection, connection.makefile("rwb") as stream:
            try:
                request = json.loads(stream.readline())
                if request.get("undo"):
                    answer = {"restored": edited_page.undo()}
                else:
                    answer = {"written": edited_page.write(request["write"])}
            except edited_page.Declined as why:
                answer = {"declined": str(why)}
            except Exception as crash:  # noqa: BLE001 - the build that follows does the work, and says why
                answer = {"declined": f"the quick write failed ({type(crash).__name__}: {crash})"}
            with contextlib.suppress(OSError):
                stream.write(json.dumps(answer).encode() + b"\n")
                stream.flush()


# --- The preview ----------------------------------------------------------------------------------


class Preview:
    """The builds, their state, and the search index in the background; PreviewHandler answers."""

    def __init__(self, content, output, settings=ROOT / "pelicanconf.py", cache=None, plugins=ROOT / "plugins"):
        self.content, self.output = Path(content).resolve(), Path(output).resolve()
        self.settings, self.cache, self.plugins = Path(settings).resolve(), cache, Path(plugins).resolve()
        self.watched = [self.content, Path(ROOT / "theme"), self.plugins]
        self.changed = threading.Condition()
        # build: the number of builds ended, good or failed; good: whether the last one was (the
        # pages served are those of the last good build); search: "none" (not made by this
        # preview), "indexing", "ready" (the last good build's), "behind" (an older build's) or
        # "failed"; seconds: how long the last build took.
        # edits: how many quick writes there were, edited: the addresses of the pages the last one
        # wrote (before the build that follows; edited_page.py).
        self.status = {"build": 0, "good": None, "building": False, "problems": [], "seconds": None, "search": "none"}
        # settled: {address: quick write} of the pages a good build left as that quick write wrote
        # them (a page the reloader got after that write need not reload when the build ends).
        self.status.update(edits=0, edited=[], settled={})
        # checked: whether the build under way has passed its checks (it wrote the edited pages
        # first): the problems of the last build, if it failed, are then no longer shown.
        self.status.update(checked=False)
        self.stopping = threading.Event()
        self.builder = None  # the warm build worker (FORK), or the Pelican process of the last build
        self.scratch = Path(tempfile.mkdtemp(prefix="iwelcome-preview-"))  # each build's output
        self.indexer = None  # the Pagefind process of the last good build, while it runs
        self.lock = threading.Lock()  # around starting and stopping these
        self.kept = None  # the address of the last good build's process, kept for quick writes
        # {page file: (the quick write's number, the file's bytes then)} since the last good build
        self.quick_written = {}

    # The state, shared with every request thread.

    def snapshot(self):
        with self.changed:
            return dict(self.status)

    def update(self, **values):
        with self.changed:
            self.status.update(values)
            self.changed.notify_all()

    def wait_for_build(self, since, edits=None, timeout=WAIT):
        """The status once a build after `since` has ended, or a quick write after `edits` was
        made (or after `timeout`, or on stop)."""
        with self.changed:
            self.changed.wait_for(
                lambda: status_after(self.status, since, edits) or self.stopping.is_set(), timeout=timeout
            )
            return dict(self.status)

    # Building.

    def command(self):
        command = [sys.executable, "-m", "pelican", str(self.content), "-s", str(self.settings)]
        command += ["-o", str(self.output), "--log-handler", "plain"]
        if self.cache:
            command += ["--cache-path", str(self.cache)]
        return [*command, "-e", *PREVIEW_SETTINGS.split()]

    def build(self, first=()):
        """One preview build, which writes the pages of the edited files `first` before any other;
        prints what Pelican printed; then the state says how it went."""
        self.stop_indexing()
        self.update(building=True, checked=False)
        started = time.perf_counter()
        with self.changed:
            address = self.scratch / f"kept-{self.status['build'] + 1}.sock"
        result = self.run_build(address, [str(path) for path in first]) if FORK else self.run_process()
        if result is None:
            return False  # stopped
        code, stdout, stderr = result
        sys.stdout.write(stdout)
        sys.stderr.write(stderr)
        seconds = time.perf_counter() - started
        good = code == 0
        problems = [] if good else build_problems(stderr)
        with self.changed:
            build = self.status["build"] + 1
        print(f"Preview build {build}: {'done' if good else 'failed'} in {seconds:.2f} s", flush=True)
        settled = {}
        if good:
            self.kept = address if FORK and address.exists() else None
            settled = settled_pages(self.quick_written, lambda name: read_or_none(self.output / name))
        elif self.quick_written:
            restored = self.ask_kept({"undo": True}).get("restored", [])
            print(f"Put back {len(restored)} quickly written page(s) as the last good build made them.", flush=True)
        self.quick_written = {}
        self.update(
            build=build,
            good=good,
            building=False,
            checked=False,
            problems=problems,
            seconds=round(seconds, 3),
            settled=settled,
        )
        if good:
            self.start_indexing()
        return good

    # Quick writes (plugins/iwelcome/edited_page.py), by the last good build's process.

    def ask_kept(self, request, timeout=10.0):
        """The answer of the last good build's process to `request` ({} when there is none)."""
        if self.kept is None:
            return {}
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(timeout)
                connection.connect(str(self.kept))
                with connection.makefile("rwb") as stream:
                    stream.write(json.dumps(request).encode() + b"\n")
                    stream.flush()
                    return json.loads(stream.readline() or b"{}")
        except (OSError, ValueError):
            self.kept = None  # gone: the next good build keeps another
            return {}

    def write_quickly(self, paths):
        """Before the build of a save that changed only content files (`paths`, quick_paths):
        their pages written at once when only their text, title or image's text changed
        (edited_page.py); the build that follows writes them again, the same. Not after a failed
        build: its problems are shown over the page until a build passes its checks, and only the
        build can say whether this save fixed them."""
        if self.kept is None or not paths:
            return
        if self.snapshot()["good"] is False:
            print("No quick write: the last build failed; the build says whether this save fixes it", flush=True)
            return
        started = time.perf_counter()
        answer = self.ask_kept({"write": [str(path) for path in paths]})
        if answer.get("written"):
            seconds = time.perf_counter() - started
            print(f"Quick write: {', '.join(answer['written'])} in {seconds:.2f} s; the build follows", flush=True)
            self.pages_written(answer["written"])
        elif answer.get("declined"):
            print(f"No quick write: {answer['declined']}", flush=True)

    def pages_written(self, names, **status):
        """Pages written before the build ends (a quick write, or the build's first pages): the
        reloader reloads them now, and not again when the build leaves them as they are."""
        with self.changed:
            edits = self.status["edits"] + 1
        for name in names:
            self.quick_written[name] = (edits, read_or_none(self.output / name))
        self.update(edits=edits, edited=[page_address(name) for name in names], **status)

    def python_env(self):
        """The environment of the worker and the indexer: they import the site's settings and the plugin."""
        return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(self.plugins)])}

    def run_build(self, address, first=()):
        """The build in a fork of the warm worker (started when there is none): (exit code,
        output, errors), or None once stopped. A worker that died is started again next time. A
        good build's process is kept, listening at `address` (build_worker). The pages of the
        files `first` it writes before any other, and they are reloaded then."""
        with self.lock:
            if self.stopping.is_set():
                return None
            if self.builder is None or self.builder.poll() is not None:
                self.kept = None  # it went with its worker
                self.builder = process_group.start(
                    [sys.executable, "-c", WORKER, str(self.plugins)],
                    cwd=ROOT,
                    env=self.python_env(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            worker = self.builder
        out, err = self.scratch / "build.out", self.scratch / "build.err"
        try:
            worker.stdin.write(json.dumps([self.command()[3:], str(out), str(err), str(address), first]) + "\n")
            worker.stdin.flush()
            answer = worker.stdout.readline()
            while answer.startswith("{"):  # pages the build wrote first
                names = json.loads(answer).get("written", [])
                print(f"Written first: {', '.join(names)}; the build goes on", flush=True)
                self.pages_written(names, checked=True)  # the build writes only once its checks passed
                answer = worker.stdout.readline()
        except (OSError, ValueError):  # the worker ended: stopped, or died
            answer = ""
        if self.stopping.is_set():
            return None
        read = [path.read_text(encoding="utf-8", errors="replace") if path.exists() else "" for path in (out, err)]
        return (int(answer) if answer.strip() else 1, *read)

    def restart_worker(self):
        """Stop the warm worker: the next build starts one that imports the plugin as it is now."""
        with self.lock:
            worker, self.builder = self.builder, None
            self.kept = None  # it goes with its worker
        if FORK and worker is not None:
            process_group.stop(worker)

    def run_process(self):
        """The build in a new process (where there is no fork): (exit code, output, errors), or
        None once stopped."""
        with self.lock:
            if self.stopping.is_set():
                return None
            self.builder = process_group.start(
                self.command(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        stdout, stderr = self.builder.communicate()
        if self.stopping.is_set():
            return None
        return self.builder.returncode, stdout, stderr

    def start_indexing(self):
        """The search index of the new build, in the background (after the reload signal)."""
        with self.lock:
            if self.stopping.is_set():
                return
            self.indexer = process_group.start(
                [sys.executable, "-c", SEARCH_INDEX, str(self.output)],
                cwd=ROOT,
                env=self.python_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            indexer = self.indexer
        self.update(search="indexing")
        threading.Thread(target=self._indexed, args=(indexer,), daemon=True).start()

    def _indexed(self, indexer):
        output, _ = indexer.communicate()
        with self.lock:
            if self.indexer is not indexer:
                return  # stopped by a newer build: its own indexer says how it went
            self.indexer = None
        if indexer.returncode == 0:
            self.update(search="ready")
            print(output.strip(), flush=True)
        else:
            self.update(search="failed")
            print(f"The preview's search index failed (search still shows the last index):\n{output}", flush=True)

    def stop_indexing(self):
        """Stop the indexing under way, if any: the index stays the last one made ("behind")."""
        with self.lock:
            indexer, self.indexer = self.indexer, None
        if indexer is not None:
            process_group.stop(indexer)
            self.update(search="behind")

    def settings_stamp(self):
        with contextlib.suppress(OSError):
            stat = self.settings.stat()
            return stat.st_mtime_ns, stat.st_size
        return None

    def run(self):
        """Watch, build once, then build again on every change (a burst of saves is one), until
        stopped: the thread of `start`. The watch starts before the first build, so that no save
        is missed, and a save during a build makes another. The settings file is compared at
        each wake-up (a fifth of a second): a single file's watch is lost when an editor replaces
        the file."""
        settings, first = self.settings_stamp(), True
        changes = watchfiles.watch(
            *[path for path in self.watched if path.is_dir()],
            debounce=1600,
            step=50,
            rust_timeout=200,
            yield_on_timeout=True,
            stop_event=self.stopping,
            raise_interrupt=False,
        )
        for changed in changes:
            now, edited = self.settings_stamp(), []
            if any(Path(path).is_relative_to(self.plugins) for _, path in changed) or now != settings:
                self.restart_worker()  # the plugin's code, or the settings, as they are now
            elif changed and not first:
                edited = quick_paths([path for _change, path in changed], self.content, Path.is_file)
                self.write_quickly(edited)
            if changed or now != settings or first:
                settings, first = now, False
                self.build(edited)

    def stop(self):
        """Stop the build and the indexing under way, if any, and wake every waiting request."""
        with self.lock:
            self.stopping.set()
            builder = self.builder
        if builder is not None:
            process_group.stop(builder)
        self.stop_indexing()
        shutil.rmtree(self.scratch, ignore_errors=True)
        with self.changed:
            self.changed.notify_all()


class PreviewHandler(SiteHandler):
    """The built site (SiteHandler), HTML with the reloader, and /__preview__/ for the reloader."""

    def __init__(self, *args, preview, **kwargs):
        self.preview = preview
        super().__init__(*args, **kwargs)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # a reload gets the new files, never a cached one
        super().end_headers()

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path.startswith(PREFIX):
            return self.answer_preview()
        return super().do_GET()

    def answer_preview(self):
        parts = urlsplit(self.path)
        name = parts.path[len(PREFIX) :]
        if name == "status":
            query = parse_qs(parts.query)
            since, edits = query.get("since", [""])[0], query.get("edits", [""])[0]
            if since.isdigit():
                status = self.preview.wait_for_build(int(since), int(edits) if edits.isdigit() else None)
            else:
                status = self.preview.snapshot()
            return self.send_bytes(json.dumps(status).encode(), "application/json")
        types = {"reload.js": "text/javascript", "reload.css": "text/css"}
        if name in types:
            return self.send_bytes((ASSETS / name).read_bytes(), types[name] + "; charset=utf-8")
        return self.send_error(404)

    def send_head(self):
        """An HTML page with the reloader; anything else as SiteHandler sends it."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = self.page_body(path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def list_directory(self, path):
        """No listing of a folder without index.html (the CDN has none): a 404, as a missing page."""
        self.send_error(404)

    def send_error(self, code, message=None, explain=None):
        """A missing page before the site has its 404.html (the first build, into an empty
        output/): a page that says so, and reloads once the build has ended."""
        if code != 404 or (Path(self.directory) / "404.html").is_file():
            return super().send_error(code, message, explain)
        status = self.preview.snapshot()
        body = WAITING.format(tag=reload_tag(status["build"], status["edits"]).decode()).encode()
        self.send_response(503 if status["building"] or status["build"] == 0 else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(ConnectionError):
                self.wfile.write(body)

    def page_body(self, path):
        """A page's bytes as sent (here, and for 404.html in SiteHandler.send_error): with the
        reloader, which knows the build the page is from."""
        status = self.preview.snapshot()
        return with_reload_script(path.read_bytes(), status["build"], status["edits"])

    def send_bytes(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(ConnectionError):  # the page went away (reloaded, closed) meanwhile
            self.wfile.write(body)

    def log_message(self, *args):
        pass  # the terminal shows the builds, not every request


class Running:
    """A started preview: its address, and `stop()`."""

    def __init__(self, preview, server, threads):
        self.preview, self.server, self.threads = preview, server, threads
        self.address = f"http://{server.server_address[0]}:{server.server_address[1]}"

    def stop(self):
        self.preview.stop()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(content, output, port=0, host="127.0.0.1", **options):
    """Start the preview of `content`, built into `output`, on host:port (0: a free port), and
    return it running; `options` go to Preview (settings, cache). The first build starts at
    once; the server answers meanwhile. Raises OSError when the port is taken, before building."""
    preview = Preview(content, output, **options)
    server = make_server(output, host, port, handler=PreviewHandler, preview=preview)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    building = threading.Thread(target=preview.run, daemon=True)
    serving.start()
    building.start()
    return Running(preview, server, [serving, building])
