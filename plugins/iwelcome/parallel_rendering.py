"""Rendering on every core: a build of many items has its pages rendered by helper processes
beside Pelican's.

When Pelican has made its writer, everything the pages show is known. In a build that is to
render every page (render_cache.CachingWriter: no keys from the last build, or a context that no
page of the last build was written with, as after a tag or a date is edited; a rebuild that
renders a few pages does not pay for their start), helpers are forked then (helpers.py), one per
further core; each runs the generators' output on a writer of its own, as Pelican is about to,
so it comes to the same pages in the same order (a page is the n-th that the writer renders, in
every process). Page n belongs to process n modulo the number of
processes (Pelican's is 0): its owner works out its key, renders it or takes its file's text again
(render_cache.py), and a helper passes the text, its key and what it logged back through a pipe,
in order. When Pelican comes to a page a helper claimed, it takes that text
instead of rendering the page, waiting for it if need be, checks that it is the same page, and
writes the file itself, so that what Pelican does after a page is written (the sitemap, the
leftovers, the search index) sees every page as usual. A page whose helper failed or did not
say is rendered by Pelican. What a helper writes (its pages, unclaimed ones empty, and feeds) goes
into a folder of its own (in memory where the system allows: `in_memory_folder`), each page's file
removed as soon as it is written (`discard_written`) and the folder at the end, and it copies no
static file.

Rendering a page depends on the page and the context only (the render cache, which renders some
pages and not others, relies on it too), so the site is byte-identical to one rendered in a
single process. `PARALLEL_RENDERING` is the fewest articles and pages each process should have
(0: no helpers). On the 2-core development machine, a cold build of 2,000 articles took 0.94x the
time of one that read in parallel and rendered in one process (4 runs, 0.93-1.25x): forked
processes pay for the memory pages they come to share, and each runs the writer's work for
every page.
"""

import atexit
import contextlib
import fcntl
import functools
import logging
import os
import pickle
import shutil
import tempfile

from pelican import signals
from pelican.generators import SourceFileGenerator, StaticGenerator

from . import helpers, timings
from .settings import setting

logger = logging.getLogger(__name__)

_generators = []  # this build's, once all have read their content
_plan = []  # the Plan of the build under way, if helpers render
HELPER_FOLDER_PREFIX = "iwelcome-helper-"
SHARED_MEMORY = "/dev/shm"  # the system's folder in memory, for files that live a moment


def remember_generators(generators):
    """all_generators_finalized (last): the generators whose output helpers will run."""
    _generators[:] = generators
    forget_plan()


def build_context():
    """The context of the build under way, once all generators have read their content ({} before)."""
    return _generators[0].context if _generators else {}


def forget_plan():
    if _plan:
        _plan.pop().end()


def start(settings, make_writer):
    """When Pelican has made its writer: helpers, if the build has many articles and pages;
    make_writer(output_path) gives a helper its writer."""
    forget_plan()
    context = build_context()
    items = len(context.get("articles", ())) + len(context.get("pages", ()))
    count = helpers.how_many(items, setting(settings, "PARALLEL_RENDERING"), helpers.cores())
    if not count or not helpers.can_fork():
        return
    plan = Plan(count)
    _plan.append(plan)  # before the helpers start: theirs too
    atexit.register(forget_plan)  # a build that stops on an error: no helper or folder left
    plan.start(list(_generators), make_writer)


def render(cache, template, context, localcontext):
    """The text of one page, rendered here, by a helper, or not at all (a helper's page that
    another process claimed: its text does not matter)."""
    plan = _plan[0] if _plan else None
    if plan is None:
        return cache.render(template, context, localcontext)
    return plan.render(cache, template, context, localcontext)


def finish(pelican):
    """finalized (first): every helper has ended; their folders are removed."""
    timings.count("pages from helpers", _plan[0].taken if _plan else 0)
    forget_plan()


def in_memory_folder():
    """Where a helper's throwaway files go: /dev/shm (memory) where the system has it and lets this
    process write there, else None (the system's temporary folder). On the 2-core development
    machine, removing a helper's 3,082 files as written took 1.15 s on its disk, 0.11 to 0.13 s there."""
    return SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) and os.access(SHARED_MEMORY, os.W_OK | os.X_OK) else None


def discard_written(folder, path, context=None):
    """content_written, in a helper whose writer writes into `folder`: the file it wrote there
    removed at once, with the folders it leaves empty (Pelican's process writes every file of the
    site). Removing them all when the build ends took 0.4 s of Pelican's process at 2,000 articles."""
    if not path.startswith(folder + os.sep):
        return  # never a file of the site's own folder
    with contextlib.suppress(OSError):  # a page the render cache wrote nothing for (unchanged)
        os.remove(path)
    parent = os.path.dirname(path)
    while len(parent) > len(folder) and parent.startswith(folder + os.sep):
        try:
            os.rmdir(parent)  # not the helper's own folder: Pelican's process removes that
        except OSError:
            return  # not empty: other pages' files are in it
        parent = os.path.dirname(parent)


class Plan:
    """The claims on the build's pages, and its helpers."""

    def __init__(self, count):
        self.processes = count + 1
        self.me = 0  # Pelican's process; a helper is 1, 2, ...
        self.number = -1  # the page being rendered, counted from 0 in every process
        self.helpers = []  # [(pid, read end of its pipe, its folder)]
        self.received = {}  # page number -> what a helper said of it
        self.pipe = None  # in a helper: the write end of its pipe
        self.taken = 0  # pages a helper gave Pelican

    def start(self, generators, make_writer):
        parent = os.getpid()
        for index in range(1, self.processes):
            folder = tempfile.mkdtemp(prefix=HELPER_FOLDER_PREFIX, dir=in_memory_folder())
            read_end, write_end = os.pipe()
            with contextlib.suppress(OSError, AttributeError):  # a larger pipe: a helper waits less
                fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 1 << 20)
            pid = helpers.fork(
                functools.partial(self.help, index, generators, make_writer, folder, parent, read_end, write_end)
            )
            os.close(write_end)
            self.helpers.append((pid, os.fdopen(read_end, "rb"), folder))
        logger.debug("iwelcome plugin: %d helpers render pages", self.processes - 1)

    def owner(self, number):
        """The process that renders page `number`: every n-th page is one process's."""
        return number % self.processes

    # --- In a helper ------------------------------------------------------------------------

    def help(self, index, generators, make_writer, folder, parent, read_end, write_end, records):
        writer = make_writer(folder)
        os.close(read_end)
        for _pid, other, _folder in self.helpers:  # an earlier helper's pipe is not this one's
            other.close()
        self.helpers = []
        self.me, self.parent, self.records = index, parent, records
        self.pipe = os.fdopen(write_end, "wb")
        signals.content_written.connect(functools.partial(discard_written, folder), weak=False)  # this helper's
        for generator in generators:
            if isinstance(generator, (StaticGenerator, SourceFileGenerator)):
                continue  # they copy files, and render no page
            generator.output_path = folder
            generator.generate_output(writer)
        self.pipe.close()

    def render_in_helper(self, cache, template, context, localcontext):
        if helpers.parent_is_gone(self.parent):
            os._exit(1)
        if self.owner(self.number) != self.me:
            return ""
        name = localcontext["output_file"]
        del self.records[:]
        said = {"number": self.number, "name": name, "template": template.name, "text": None, "entry": None}
        try:
            before = cache.rendered
            said["text"] = cache.render(template, context, localcontext)
            said["entry"] = cache.pages.get(name) if cache.enabled else None
            said["rendered"] = cache.rendered > before
        except Exception:  # noqa: BLE001 (Pelican renders it again, and says what is wrong)
            said["text"] = None
        said["records"] = list(self.records)
        pickle.dump(said, self.pipe, protocol=pickle.HIGHEST_PROTOCOL)
        self.pipe.flush()  # Pelican may be waiting for it
        return said["text"] or ""

    # --- In Pelican's process -----------------------------------------------------------------

    def render(self, cache, template, context, localcontext):
        self.number += 1
        if self.me:
            return self.render_in_helper(cache, template, context, localcontext)
        if self.owner(self.number) == self.me:
            return cache.render(template, context, localcontext)
        said = self.said(self.number)
        fits = (
            said is not None
            and said["text"] is not None
            and said["name"] == localcontext["output_file"]
            and said["template"] == template.name
            and (said["entry"] is not None or not cache.enabled)
        )
        if not fits:
            return cache.render(template, context, localcontext)
        helpers.log_again(said["records"])
        cache.accept(said["name"], said["entry"], said["rendered"])
        self.taken += 1
        return said["text"]

    def said(self, number):
        """What the helper whose page `number` is said of it, or None if it cannot say."""
        _pid, pipe, _folder = self.helpers[self.owner(number) - 1]
        while number not in self.received:
            if pipe.closed:
                return None
            try:
                said = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError, OSError):
                pipe.close()  # the helper ended or failed: Pelican renders its pages
                return None
            self.received[said["number"]] = said
        return self.received.pop(number)

    def end(self):
        """Close the pipes (a helper that still writes ends), wait for the helpers, remove their folders."""
        for pid, pipe, folder in self.helpers:
            pipe.close()
            helpers.wait(pid)
            shutil.rmtree(folder, ignore_errors=True)
        self.helpers = []
        self.received = {}
