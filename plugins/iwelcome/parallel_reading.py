"""Reading on every core: a build with many files to read (a cold build, a new content cache) has
them read by as many processes as the machine has cores, Pelican's own among them.

Pelican reads a generator's files one after another (`Readers.read_file`). The files it will read
are known when the generator is made (`generator.get_files`, in the order Pelican then reads them),
and so are those that its content cache does not hold. Then (`article_generator_init`,
`page_generator_init`) forked helpers start reading those files from the end of the list, while
Pelican reads them from the start; each file is claimed once, under a lock, by whichever process
comes to it first. When Pelican comes to a file that a helper claimed, the editor's reader
(reading.py) takes what the helper read (`take`) instead of reading it again, after waiting for
the helpers, which have ended by then or are about to: nothing is left for them to claim.

What the editor's reader returns for a file is the same in any process (it keeps nothing from one
file to the next), so the site is byte-identical to one read in a single process, and Pelican
caches what was read as usual. The helpers log nothing themselves: what the reader logged there
is logged when Pelican comes to the file, so messages come in the same order too (helpers.py). A
helper that fails on a file, or fails altogether, leaves its files to Pelican, which then says what
is wrong. The settings object is passed by reference, not copied (a topic keeps the build's
settings, as when read here).

`PARALLEL_READING` is the fewest files each process should have to read (0: no helpers).
"""

import contextlib
import logging
import mmap
import os
import tempfile

from pelican.utils import file_suffix

from . import helpers, timings
from .settings import setting

logger = logging.getLogger(__name__)

FREE, HERE, HELPER = 0, 1, 2  # who claimed a file
_plans = []  # this build's Plans, until their generator has read its files
_taken = [0]  # files of this build that helpers read


def forget(pelican):
    """initialized: a new build has no helpers yet (a preview builds again in the same process)."""
    while _plans:
        _plans.pop().end()
    _taken[0] = 0


def articles(generator):
    """article_generator_init: helpers for the articles Pelican will read."""
    start(generator, generator.settings["ARTICLE_PATHS"], generator.settings["ARTICLE_EXCLUDES"])


def pages(generator):
    """page_generator_init: helpers for the pages Pelican will read."""
    start(generator, generator.settings["PAGE_PATHS"], generator.settings["PAGE_EXCLUDES"])


def start(generator, paths, excludes):
    readers = generator.readers
    files = []
    for name in generator.get_files(paths, exclude=excludes):
        path = os.path.abspath(os.path.join(generator.path, name))
        reader = readers.readers.get(file_suffix(path))
        if not getattr(reader, "takes_what_helpers_read", False) or readers.get_cached_data(path) is not None:
            continue  # not the editor's reader, or its content cache has the file (the site's, a warm build)
        if generator.get_cached_data(name, None) is None:  # nor the generator's (CONTENT_CACHING_LAYER)
            files.append((path, reader))
    count = helpers.how_many(len(files), setting(generator.settings, "PARALLEL_READING"), helpers.cores())
    if not count or not helpers.can_fork():
        return
    try:
        plan = Plan(generator, files)  # its lock's file cannot be made: no helpers
    except OSError as error:
        logger.debug("iwelcome plugin: files read in one process (%s)", error)
        return
    plan.start(count)
    _plans.append(plan)  # after the fork: a helper's own reader reads what it is given


def take(path):
    """What a helper read of the file at `path` (absolute), as (content, metadata), with what the
    reader logged there logged now; None when the file is for this process to read."""
    plan = next((plan for plan in _plans if path in plan.index), None)
    return None if plan is None else plan.take(path)


def end(generator):
    """article_generator_finalized, page_generator_finalized: the helpers' ends seen to (each has
    ended by now), and whatever they read that Pelican did not take let go."""
    for plan in [plan for plan in _plans if plan.generator is generator]:
        _plans.remove(plan)
        plan.end()
    timings.count("files read by helpers", _taken[0])


class Plan:
    """One generator's files to read, the claims on them, and its helpers."""

    def __init__(self, generator, files):
        self.generator = generator
        self.files = files  # [(absolute path, reader)], in Pelican's order
        self.index = {path: number for number, (path, _reader) in enumerate(files)}
        self.claims = mmap.mmap(-1, len(files))  # shared with the helpers: FREE, HERE or HELPER
        self.lock = helpers.ProcessLock()
        self.helpers = []  # [(pid, file of its results)]
        self.results = None  # {path: (content, metadata, log records)} once the helpers have ended

    def start(self, count):
        parent = os.getpid()
        for _ in range(count):
            out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by collect, once read)
            pid = helpers.fork(lambda records, out=out: self.help(out, parent, records))
            self.helpers.append((pid, out))
        logger.debug("iwelcome plugin: %d helpers read %d files", count, len(self.files))

    def claim(self, number, who):
        with self.lock:
            if self.claims[number] != FREE:
                return False
            self.claims[number] = who
            return True

    def help(self, out, parent, records):
        """In a helper: read the files nobody claimed, from the last, and write what was read."""
        read = {}
        for number in range(len(self.files) - 1, -1, -1):
            if helpers.parent_is_gone(parent):
                return  # the build was stopped
            if not self.claim(number, HELPER):
                continue
            path, reader = self.files[number]
            del records[:]
            try:
                content, metadata = reader.read(path)
            except Exception:  # noqa: BLE001 (Pelican reads it again, and says what is wrong)
                continue
            read[path] = (content, metadata, list(records))
        pickler = helpers.Pickler(out, self.generator.settings)
        pickler.dump(read)
        out.flush()

    def take(self, path):
        number = self.index[path]
        if self.claim(number, HERE):
            return None
        self.collect()
        found = self.results.pop(path, None)
        if found is None:
            return None  # its helper failed: read it here
        content, metadata, records = found
        _taken[0] += 1
        helpers.log_again(records)
        return content, metadata

    def collect(self):
        """Wait for the helpers to end, and load what they read."""
        if self.results is not None:
            return
        self.results = {}
        for pid, out in self.helpers:
            if helpers.wait(pid) == 0:
                out.seek(0)
                with contextlib.suppress(Exception):
                    self.results.update(helpers.Unpickler(out, self.generator.settings).load())
            out.close()
        self.helpers = []

    def end(self):
        self.collect()
        self.results = {}
        self.lock.close()
