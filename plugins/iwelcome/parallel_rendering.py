"""Rendering on every core: a build of many items has its pages rendered by helper processes
beside Pelican's.

When Pelican has made its writer, everything the pages show is known. In a build that is to
render every page (render_cache.CachingWriter: no keys from the last build, a context that no
page of the last build was written with, as after a tag or a date is edited, or the last build's
files mostly gone, as after `tasks.py rebuild`; a rebuild that renders a few pages does not pay
for their start), helpers are forked then (helpers.py), one per
further core; each runs the generators' output on a writer of its own, as Pelican is about to,
so it comes to the same pages in the same order (a page is the n-th that the writer renders, in
every process). Whoever comes to a page first claims it, under a lock (`Plan`): Pelican's process
claims each page it comes to that nobody has; a helper claims only pages more than LEAD pages
ahead of Pelican's (so that it is done with a page before Pelican's process comes to it), skips
the others, and so keeps ahead of it. The process that claimed a page works out its key, renders
it or takes its file's text again (render_cache.py); a helper puts the text, its key and what it
logged in a folder of results and marks the page said. When Pelican comes to a page a helper has
said, it takes that text instead of rendering the page, checks that it is the same page, and
writes the file itself, so that what Pelican does after a page is written (the sitemap, the
leftovers, the search index) sees every page as usual. A page that a helper has claimed but not
said (it is still rendering it, it failed, or it ended), Pelican renders itself: it never waits
for a helper. Who renders which page thus follows how fast each process is at that moment: at
2,000 articles, the helper, which writes no file, rendered 53-83% of the pages (3 builds). What a helper
writes (its pages, unclaimed ones empty, and feeds) goes into a folder of its own (in memory
where the system allows: `in_memory_folder`), each page's file removed as soon as it is written
(`discard_written`), its folders at the end, and it copies no static file. At the end of the
build the helpers are ended: every page has been written.

Rendering a page depends on the page and the context only (the render cache, which renders some
pages and not others, relies on it too), so the site is byte-identical to one rendered in a
single process, whoever rendered which page. `PARALLEL_RENDERING` is the fewest articles and pages
each process should have (0: no helpers). On the 2-core development machine, builds of 2,000
articles that rendered every page took 0.81x the time (8 pairs, 0.76-0.95x) with pages claimed
as they come than with every other page given to the helper, which Pelican's process, writing
every file, waited for or left idle.
"""

import atexit
import contextlib
import functools
import logging
import mmap
import os
import pickle
import shutil
import signal
import struct
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
FREE, HERE, DONE = 0, 1, 0x80  # a page's claim: nobody's, Pelican's; a helper's number (+ DONE once said)
CAPACITY = 1 << 20  # the pages the claims can name: Pelican renders any further page
LEAD = 16  # a helper claims a page only this many pages or more ahead of Pelican's process
POSITION = struct.Struct("q")  # the page Pelican's process is at, shared with the helpers


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
    try:
        plan = Plan(count)  # its shared claims and its lock's file
    except OSError as error:
        logger.debug("iwelcome plugin: pages rendered in one process (%s)", error)
        return
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
    """The claims on the build's pages, and its helpers. `claims` holds a byte a page: FREE, HERE
    (Pelican's), or HERE + the number of the helper that claimed it (1, 2, ...), with DONE added
    once what it said of the page is in its folder of results; `position`, the page Pelican's
    process is at."""

    def __init__(self, count):
        self.processes = count + 1
        self.me = 0  # Pelican's process; a helper is 1, 2, ...
        self.number = -1  # the page being rendered, counted from 0 in every process
        self.claims = mmap.mmap(-1, CAPACITY)  # shared with the helpers; the system gives a page of it when touched
        self.position = mmap.mmap(-1, POSITION.size)
        POSITION.pack_into(self.position, 0, -1)
        self.lock = helpers.ProcessLock()
        self.helpers = []  # [(pid, its folder, its folder of results)]
        self.taken = 0  # pages a helper gave Pelican
        self.stopped = False  # in a helper: it could not say a page, and claims no more

    def start(self, generators, make_writer):
        parent = os.getpid()
        for index in range(1, self.processes):
            folder = tempfile.mkdtemp(prefix=HELPER_FOLDER_PREFIX, dir=in_memory_folder())
            results = tempfile.mkdtemp(prefix=HELPER_FOLDER_PREFIX, dir=in_memory_folder())
            pid = helpers.fork(functools.partial(self.help, index, generators, make_writer, folder, results, parent))
            self.helpers.append((pid, folder, results))
        logger.debug("iwelcome plugin: %d helpers render pages", self.processes - 1)

    # --- In a helper ------------------------------------------------------------------------

    def help(self, index, generators, make_writer, folder, results, parent, records):
        writer = make_writer(folder)
        self.me, self.parent, self.records, self.results = index, parent, records, results
        signals.content_written.connect(functools.partial(discard_written, folder), weak=False)  # this helper's
        for generator in generators:
            if isinstance(generator, (StaticGenerator, SourceFileGenerator)):
                continue  # they copy files, and render no page
            generator.output_path = folder
            generator.generate_output(writer)

    def claim_ahead(self, number):
        """In a helper: page `number` claimed, if nobody has and Pelican's process is more than
        LEAD pages before it (it would come to the page before the helper is done with it)."""
        if number >= CAPACITY or self.stopped:
            return False
        with self.lock:
            if self.claims[number] != FREE or number <= POSITION.unpack_from(self.position)[0] + LEAD:
                return False
            self.claims[number] = HERE + self.me
            return True

    def render_in_helper(self, cache, template, context, localcontext):
        if helpers.parent_is_gone(self.parent):
            os._exit(1)
        if not self.claim_ahead(self.number):
            return ""
        name = localcontext["output_file"]
        del self.records[:]
        said = {"name": name, "template": template.name, "text": None, "entry": None}
        try:
            before = cache.rendered
            said["text"] = cache.render(template, context, localcontext)
            said["entry"] = cache.pages.get(name) if cache.enabled else None
            said["rendered"] = cache.rendered > before
        except Exception:  # noqa: BLE001 (Pelican renders it again, and says what is wrong)
            said["text"] = None
        said["records"] = list(self.records)
        try:
            with open(os.path.join(self.results, str(self.number)), "wb") as f:
                pickle.dump(said, f, protocol=pickle.HIGHEST_PROTOCOL)
        except (OSError, pickle.PicklingError):  # no room for it (or it cannot be passed): Pelican's then
            self.stopped = True  # ... and every page from now on
            return ""
        with self.lock:
            self.claims[self.number] = (HERE + self.me) | DONE
        return said["text"] or ""

    # --- In Pelican's process -----------------------------------------------------------------

    def arrive(self, number):
        """Pelican's process is at page `number`: who claimed it (FREE: nobody, and now it is
        Pelican's; None: beyond the claims, Pelican's)."""
        if number >= CAPACITY:
            return None
        with self.lock:
            POSITION.pack_into(self.position, 0, number)
            claim = self.claims[number]
            if claim == FREE:
                self.claims[number] = HERE
            return claim

    def render(self, cache, template, context, localcontext):
        self.number += 1
        if self.me:
            return self.render_in_helper(cache, template, context, localcontext)
        claim = self.arrive(self.number)
        said = self.said(self.number, claim)
        fits = (
            said is not None
            and said["text"] is not None
            and said["name"] == localcontext["output_file"]
            and said["template"] == template.name
            and (said["entry"] is not None or not cache.enabled)
        )
        if not fits:  # Pelican's page, one a helper is still rendering, or one it failed
            return cache.render(template, context, localcontext)
        helpers.log_again(said["records"])
        cache.accept(said["name"], said["entry"], said["rendered"])
        self.taken += 1
        return said["text"]

    def said(self, number, claim):
        """What a helper said of page `number`, if it claimed it and has said it (None if not, or
        if what it said cannot be read: Pelican renders the page)."""
        claim = claim or 0  # None: a page beyond the claims
        helper = claim & ~DONE  # HERE + its number
        if not claim & DONE or not HERE < helper <= HERE + len(self.helpers):
            return None
        path = os.path.join(self.helpers[helper - HERE - 1][2], str(number))
        try:
            with open(path, "rb") as f:
                said = pickle.load(f)
            os.remove(path)
        except Exception:  # noqa: BLE001 (any failure to read it: Pelican renders the page)
            return None
        return said if isinstance(said, dict) else None

    def end(self):
        """End the helpers, whose work is done or no longer wanted (Pelican's process has passed
        every page, or stopped), and remove their folders. A helper killed as it holds the lock
        holds it no more (helpers.ProcessLock)."""
        for pid, folder, results in self.helpers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            helpers.wait(pid)
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(results, ignore_errors=True)
        self.helpers = []
        self.lock.close()
