"""Helper processes beside Pelican's: many files read by them (parallel_reading.py), many pages
rendered (parallel_rendering.py) and the checks run beside the preparing (parallel_checks.py)
give a site byte-identical to one made in a single process, problems are named the same way, and
each file is read once, by one process, whatever the others are doing."""

import json
import logging
import os
import pickle
import re
import shutil
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CONTENT, action, article, problem_lines, run_pelican
from iwelcome import helpers, parallel_checks, parallel_rendering
from iwelcome.parallel_reading import HELPER, Plan
from test_render_cache import differences


def build(content, output, timings, **settings):
    settings["PLUGIN_TIMINGS_FILE"] = str(timings)
    return run_pelican(content, output, extra=["-e", *(f"{k}={json.dumps(v)}" for k, v in settings.items())])


def site_of(files, content):
    """A content folder of these files ({path: text}) and the site's own pages."""
    for name, text in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    shutil.copytree(CONTENT / "pages", content / "pages")
    return content


def test_a_site_read_by_helpers_is_the_site_read_in_one_process(tmp_path):
    """300 articles of the benchmark's corpus (Pelican takes a few seconds to read them, so a
    helper started at once reads its share whatever the machine's load)."""
    from benchmarks.corpus import write_site

    assert helpers.cores() >= 2, "this machine has one core: nothing would be read in parallel"
    content = write_site(300, tmp_path / "content")
    timings = tmp_path / "timings.json"
    one = build(content, tmp_path / "one", timings, PARALLEL_READING=0)
    assert one.returncode == 0, one.log
    assert json.loads(timings.read_text())["counts"]["files read by helpers"] == 0
    shared = build(content, tmp_path / "shared", timings, PARALLEL_READING=100)
    assert shared.returncode == 0, shared.log
    helped = json.loads(timings.read_text())["counts"]["files read by helpers"]
    assert helped > 0, "no helper read a file"
    assert differences(tmp_path / "shared", tmp_path / "one") == []
    # What the helpers read is in Pelican's content cache: a rebuild reads nothing and renders nothing.
    again = build(content, tmp_path / "shared", timings, PARALLEL_READING=100)
    assert again.returncode == 0, again.log
    counts = json.loads(timings.read_text())["counts"]
    assert counts["files read by helpers"] == 0 and counts["pages rendered"] == 0, counts
    assert differences(tmp_path / "shared", tmp_path / "one") == []


@pytest.mark.parametrize("helpers_setting", ["PARALLEL_READING", "PARALLEL_CHECKS"])
def test_problems_found_with_helpers_are_named_as_in_one_process(tmp_path, helpers_setting):
    """Files read by helpers, or the site checked in a helper (the checks of every stage: fields,
    text, actions, pins, clashing addresses, and Pelican's own errors while reading): the same
    lines, nothing else printed, nothing written."""
    files = {f"updates/item-{n:02d}.md": article(Title=f"Item {n}", Tags="Asylum, Detention") for n in range(24)}
    files["updates/item-03.md"] = article(Date="2024-31-12")
    files["updates/item-04.md"] = article(Title=None, Related="no-such-update")
    files["updates/item-05.md"] = article(Tags="Detenton") + "\n<script>alert(1)</script>\n[gone](/updates/gone/)\n"
    files["updates/item-06.md"] = article(Slug="item-07")
    files["updates/item-08.md"] = article(Actions="no-such-action", Countries="Narnia")
    files["updates/item-20.md"] = article(Title=None)
    files["actions/write.md"] = action(Kind="petitoin", Ends="2024-02-30")
    content = site_of(files, tmp_path / "content")
    timings = tmp_path / "timings.json"
    one = build(content, tmp_path / "one", timings, **{helpers_setting: 0})
    helped = build(content, tmp_path / "helped", timings, **{helpers_setting: 1})
    assert one.returncode == helped.returncode == 1, helped.log
    assert "Traceback" not in helped.log
    assert len(problem_lines(one)) >= 9, one.log
    assert helped.stderr == one.stderr
    assert not (tmp_path / "helped").exists() or not any((tmp_path / "helped").iterdir())


class Reader:
    """A stand-in for the editor's reader: slow, says which process read a file, logs one line,
    and fails in a helper for the files named in `fails_in_helpers`."""

    def __init__(self, parent, fails_in_helpers=()):
        self.parent = parent
        self.fails_in_helpers = set(fails_in_helpers)

    def read(self, path):
        time.sleep(0.002)
        if os.getpid() != self.parent and path in self.fails_in_helpers:
            raise ValueError(path)
        logging.getLogger("iwelcome.test").warning("read %s", path)
        return f"<p>{path}</p>", {"title": path, "pid": os.getpid()}


class Generator:
    def __init__(self):
        self.settings = {"PARALLEL_READING": 1}


def pelican_loop(plan, paths, reader):
    """What Pelican does with each file in turn: the editor's reader takes what a helper read,
    else reads the file here."""
    return {path: plan.take(path) or reader.read(path) for path in paths}


def test_each_file_is_read_once_and_what_helpers_read_and_logged_reaches_pelican(caplog):
    paths = [f"/content/updates/{n}.md" for n in range(120)]
    reader = Reader(os.getpid(), fails_in_helpers=paths[-3:])
    plan = Plan(Generator(), [(path, reader) for path in paths])
    with caplog.at_level(logging.WARNING, logger="iwelcome.test"):
        plan.start(2)
        deadline = time.monotonic() + 60
        while HELPER not in plan.claims[:] and time.monotonic() < deadline:  # Pelican starts later
            time.sleep(0.01)
        got = pelican_loop(plan, paths, reader)
    plan.end()
    assert got == {path: (f"<p>{path}</p>", {"title": path, "pid": got[path][1]["pid"]}) for path in paths}
    by = {path: meta["pid"] for path, (_html, meta) in got.items()}
    assert {pid for pid in by.values() if pid != os.getpid()}, "no helper read a file"
    assert all(by[path] == os.getpid() for path in paths[-3:]), "a file its helper failed on is read here"
    # One line per file, in Pelican's order, whoever read it.
    assert [r.getMessage() for r in caplog.records if r.name == "iwelcome.test"] == [f"read {p}" for p in paths]
    assert plan.helpers == []


@given(files=st.integers(0, 100_000), fewest=st.integers(0, 5_000), cores=st.integers(1, 64))
def test_helpers_are_one_per_further_core_and_each_process_has_its_fewest_files(files, fewest, cores):
    count = helpers.how_many(files, fewest, cores)
    assert 0 <= count <= cores - 1
    if fewest == 0:
        assert count == 0
    elif count:
        assert (count + 1) * fewest <= files
    if fewest and cores >= 2 and files >= 2 * fewest:
        assert count >= 1


def test_a_site_rendered_by_helpers_is_the_site_rendered_in_one_process(tmp_path):
    """A cold build (no keys from a last build) of 300 articles has helpers render pages; the same
    bytes as one process, and keys that let the next build render nothing. A rebuild after a title
    is edited renders only the pages that read that article, in Pelican's process; one after a
    tag is added (a topic's list changes: a new context) renders the pages that resolve the
    topics' lists, with helpers too. Each gives the same bytes as a clean build in one process."""
    from benchmarks.corpus import write_site

    content = write_site(300, tmp_path / "content")
    timings = tmp_path / "timings.json"

    def build_with(output, every):
        values = {"PARALLEL_READING": 0, "PARALLEL_RENDERING": every, "PLUGIN_TIMINGS_FILE": str(timings)}
        result = run_pelican(content, output, extra=["-e", *(f"{k}={json.dumps(v)}" for k, v in values.items())])
        assert result.returncode == 0, result.log
        return json.loads(timings.read_text())["counts"]

    assert build_with(tmp_path / "one", 0)["pages from helpers"] == 0
    folders = helper_folders()
    counts = build_with(tmp_path / "shared", 100)
    assert counts["pages from helpers"] > 0, counts
    assert differences(tmp_path / "shared", tmp_path / "one") == []
    again = build_with(tmp_path / "shared", 100)
    assert again["pages rendered"] == 0 and again["pages from helpers"] == 0, again
    assert differences(tmp_path / "shared", tmp_path / "one") == []
    shutil.rmtree(tmp_path / "shared")  # as `tasks.py rebuild` does, the keys kept: helpers render again
    after_removal = build_with(tmp_path / "shared", 100)
    assert after_removal["pages from helpers"] > 0 and after_removal["pages unchanged"] == 0, after_removal
    assert differences(tmp_path / "shared", tmp_path / "one") == []

    edited = sorted((content / "updates").glob("*.md"))[0]
    for field, edit, context_changed in (("Title", r"\1, again", False), ("Tags", r"Vigil, \1", True)):
        text = edited.read_text(encoding="utf-8")
        edited.write_text(re.sub(rf"^{field}: (.*)$", rf"{field}: {edit}", text, count=1, flags=re.MULTILINE), "utf-8")
        after_edit = build_with(tmp_path / "shared", 100)
        if context_changed:
            assert after_edit["pages from helpers"] > 0, after_edit
        else:
            assert after_edit["pages from helpers"] == 0, after_edit
            assert 0 < after_edit["pages rendered"] < after_edit["pages unchanged"] / 10, after_edit
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        shutil.rmtree(tmp_path / "clean-cache", ignore_errors=True)
        assert build_with(tmp_path / "clean", 0)["pages from helpers"] == 0
        assert differences(tmp_path / "shared", tmp_path / "clean") == [], field
    assert helper_folders() <= folders, "a helper's folder was left"


def helper_folders():
    """The rendering helpers' folders there are now, in memory or in the temporary folder."""
    places = {Path(tempfile.gettempdir()), Path(parallel_rendering.in_memory_folder() or tempfile.gettempdir())}
    return {folder for place in places for folder in place.glob(f"{parallel_rendering.HELPER_FOLDER_PREFIX}*")}


def test_pages_are_claimed_by_whoever_comes_first_and_a_helper_keeps_ahead(tmp_path):
    """A helper claims a page only when Pelican's process is more than LEAD pages before it, and
    never one that Pelican's claimed; Pelican's process claims every page nobody has, and takes a
    helper's page only once the helper has said it: a page a helper is still rendering, or whose
    helper ended before saying it, or whose result cannot be read, Pelican renders itself."""
    from iwelcome.parallel_rendering import DONE, HERE, LEAD, Plan

    plan = Plan(1)
    results = tmp_path / "results"
    results.mkdir()
    plan.helpers = [(os.getpid(), str(tmp_path / "pages"), str(results))]
    helper = Plan.__new__(Plan)  # the helper's view: the same shared claims, position and lock
    helper.__dict__.update(plan.__dict__, me=1)

    assert plan.arrive(0) == 0  # nobody's: now Pelican's
    assert not helper.claim_ahead(0) and not helper.claim_ahead(LEAD)  # Pelican's, and too near
    assert helper.claim_ahead(LEAD + 1) and not helper.claim_ahead(LEAD + 1)  # once
    assert helper.claim_ahead(LEAD + 2) and helper.claim_ahead(LEAD + 3)
    assert plan.arrive(5) == 0
    assert not helper.claim_ahead(LEAD + 5) and helper.claim_ahead(LEAD + 6)  # it moves with Pelican

    said = {"name": "a/index.html", "text": "<p>a</p>", "entry": None, "records": []}
    (results / str(LEAD + 1)).write_bytes(pickle.dumps(said))  # being written: not said until DONE
    still_rendering = plan.arrive(LEAD + 1)
    assert still_rendering == HERE + 1 and plan.said(LEAD + 1, still_rendering) is None
    (results / str(LEAD + 2)).write_bytes(pickle.dumps(said))
    plan.claims[LEAD + 2] = (HERE + 1) | DONE
    assert plan.said(LEAD + 2, plan.arrive(LEAD + 2)) == said
    assert not (results / str(LEAD + 2)).exists()  # taken: its file goes
    plan.claims[LEAD + 3] = (HERE + 1) | DONE  # said, but its file is gone ...
    assert plan.said(LEAD + 3, plan.arrive(LEAD + 3)) is None
    (results / str(LEAD + 6)).write_bytes(b"not a pickle")  # ... or cannot be read
    plan.claims[LEAD + 6] = (HERE + 1) | DONE
    assert plan.said(LEAD + 6, plan.arrive(LEAD + 6)) is None
    plan.claims[LEAD + 7] = (HERE + 2) | DONE  # no such helper
    assert plan.said(LEAD + 7, plan.arrive(LEAD + 7)) is None
    assert plan.said(0, HERE) is None and plan.said(1, 0) is None and plan.said(1, None) is None

    class Cache:  # what the helper renders a page with: here, a page that renders
        rendered, enabled, pages = 0, False, {}

        def render(self, template, context, localcontext):
            return "<p>b</p>"

    page = {"output_file": "b/index.html"}
    helper.parent, helper.records, helper.results = os.getppid(), [], str(results)
    helper.number = 3 * LEAD + 20
    assert helper.render_in_helper(Cache(), SimpleNamespace(name="t.html"), {}, page) == "<p>b</p>"
    assert plan.said(3 * LEAD + 20, plan.arrive(3 * LEAD + 20))["text"] == "<p>b</p>"
    shutil.rmtree(results)  # no room for what it says (the folder is gone): the page is Pelican's ...
    helper.number = 3 * LEAD + 40
    assert helper.render_in_helper(Cache(), SimpleNamespace(name="t.html"), {}, page) == ""
    assert plan.arrive(3 * LEAD + 40) == HERE + 1  # claimed, never said: Pelican renders it
    assert not helper.claim_ahead(3 * LEAD + 60)  # ... and the helper claims no more
    plan.helpers = []


def test_pages_are_rendered_in_one_process_when_the_claims_cannot_be_made(monkeypatch):
    def no_lock():
        raise OSError("no room for the lock's file")

    monkeypatch.setattr(helpers, "ProcessLock", no_lock)
    monkeypatch.setattr(helpers, "cores", lambda: 2)
    monkeypatch.setattr(parallel_rendering, "_generators", [SimpleNamespace(context={"articles": [0] * 1000})])
    forked = []
    monkeypatch.setattr(helpers, "fork", lambda work: forked.append(work))
    parallel_rendering.start({"PARALLEL_RENDERING": 100}, make_writer=None)  # no helper, and no failure
    assert parallel_rendering._plan == [] and forked == []


def test_the_claims_lock_excludes_other_processes_and_is_free_once_its_holder_is_killed():
    """A helper killed while it holds the lock on the claims (as the system may kill it) leaves
    Pelican's process free to go on, not waiting for it forever."""
    import signal
    import threading

    lock = helpers.ProcessLock()
    holding, says = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: takes the lock, says so, and is killed holding it
        try:
            lock.__enter__()
            os.write(says, b"x")
            time.sleep(1)
        finally:
            os.kill(os.getpid(), signal.SIGKILL)
    try:
        assert os.read(holding, 1) == b"x"
        taken = threading.Event()

        def take():
            with lock:
                taken.set()

        thread = threading.Thread(target=take, daemon=True)
        thread.start()
        assert not taken.wait(0.3)  # held by the helper, alive: Pelican's process waits
        assert taken.wait(10)  # the helper was killed holding it: it is free
    finally:
        os.waitpid(pid, 0)
        os.close(holding)
        os.close(says)
        lock.close()


# --- The checks beside the preparing (parallel_checks.py) -------------------------------------------


def logged_lines(build):
    """What a build logged, without the lines that say how long it took."""
    return [line for line in build.log.splitlines() if not re.search(r"\d\.\d+ s(econds)?\b", line)]


def test_a_site_checked_in_a_helper_is_the_site_checked_in_one_process(tmp_path):
    timings = tmp_path / "timings.json"
    one = build(CONTENT, tmp_path / "one", timings, PARALLEL_CHECKS=0)
    assert one.returncode == 0, one.log
    assert "waiting for the checks" not in json.loads(timings.read_text())["seconds"]
    helped = build(CONTENT, tmp_path / "helped", timings, PARALLEL_CHECKS=1)
    assert helped.returncode == 0, helped.log
    seconds = json.loads(timings.read_text())["seconds"]
    assert "waiting for the checks" in seconds and seconds["validation"] > 0, seconds
    assert differences(tmp_path / "helped", tmp_path / "one") == []
    assert logged_lines(helped) == logged_lines(one)


class Verdict(Exception):
    pass


def checks_and_preparing(check, preparing):
    """What the build does: the checks started in a helper, the preparing meanwhile, and the
    verdict (a Verdict on errors) when the preparing ends."""

    def verdict(errors):
        if errors:
            raise Verdict(errors)

    parallel_checks.start(check, verdict)
    with parallel_checks.meanwhile():
        preparing()


def said(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "iwelcome.test"]


def test_the_preparing_ends_with_the_checks_verdict_and_logs_after_them(caplog):
    parent = os.getpid()
    log = logging.getLogger("iwelcome.test")

    def check():
        log.warning("checked %s", "here" if os.getpid() == parent else "in a helper")
        return []

    def preparing():
        log.warning("prepared")
        assert said(caplog) == [], "what the preparing logs waits for the checks"

    with caplog.at_level(logging.WARNING, logger="iwelcome.test"):
        checks_and_preparing(check, preparing)
    assert said(caplog) == ["checked in a helper", "prepared"]


@pytest.mark.parametrize(
    ("errors", "raised", "shown"),
    [
        (["a problem"], Verdict, []),  # it failed on content the checks refuse: only their problems
        ([], KeyError, ["prepared half"]),  # the content is good: the failure is the preparing's own
    ],
)
def test_a_preparing_that_fails_gives_way_to_the_checks_errors_and_is_raised_when_they_pass(
    caplog, errors, raised, shown
):
    def preparing():
        logging.getLogger("iwelcome.test").error("prepared half")
        raise KeyError("a date")

    with caplog.at_level(logging.WARNING, logger="iwelcome.test"), pytest.raises(raised):
        checks_and_preparing(lambda: errors, preparing)
    assert said(caplog) == shown


def test_checks_whose_helper_failed_run_in_pelicans_process():
    parent = os.getpid()
    ran = []

    def check():
        if os.getpid() != parent:
            os._exit(3)  # the helper dies without an answer
        ran.append("here")
        return ["a problem"]

    with pytest.raises(Verdict, match="a problem"):
        checks_and_preparing(check, lambda: None)
    assert ran == ["here"]


def test_checks_whose_helper_cannot_start_run_in_pelicans_process_before_the_preparing(monkeypatch):
    def no_fork(work):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(helpers, "fork", no_fork)
    prepared = []
    with pytest.raises(Verdict, match="a problem"):
        checks_and_preparing(lambda: ["a problem"], lambda: prepared.append(True))
    assert prepared == [], "the build stopped before the preparing, as in one process"


@pytest.mark.parametrize(
    ("settings", "items", "wanted"),
    [
        ({"PARALLEL_CHECKS": 300}, 300, True),
        ({"PARALLEL_CHECKS": 300}, 299, False),
        ({"PARALLEL_CHECKS": 1}, 1, True),
        ({"PARALLEL_CHECKS": 0}, 10_000, False),
        ({"PARALLEL_CHECKS": 1, "CHECK_ONLY": True}, 10_000, False),
    ],
)
def test_checks_run_in_a_helper_with_many_items_a_further_core_and_a_build_to_prepare(settings, items, wanted):
    assert helpers.cores() >= 2, "this machine has one core: no helper would be wanted"
    assert parallel_checks.wanted(settings, items) is wanted


def test_a_rendering_helper_removes_what_its_writer_wrote_and_nothing_outside_its_folder(tmp_path):
    """discard_written, in a helper: a page's file goes, with the folders it leaves empty, but
    never the helper's own folder, a folder another page still uses, or a file outside it."""
    folder, site = tmp_path / "helper", tmp_path / "output"
    pages = [folder / "updates/a/index.html", folder / "updates/b/index.html", folder / "404.html"]
    outside = [site / "updates/a/index.html", tmp_path / "helper-other/x.html"]
    for path in pages + outside:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<p>page</p>")
    for path in [*outside, pages[0], pages[2]]:
        parallel_rendering.discard_written(str(folder), str(path), context={})
    assert all(path.is_file() for path in outside), "a file outside the helper's folder is never removed"
    assert not pages[0].exists() and not pages[0].parent.exists(), "the page's file and its empty folder"
    assert pages[1].is_file(), "another page's file stays, and so does their common folder"
    assert not pages[2].exists() and folder.is_dir(), "the helper's own folder stays, for Pelican's process"
    parallel_rendering.discard_written(str(folder), str(folder / "updates/gone/index.html"))  # unchanged: never written
