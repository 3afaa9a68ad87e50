"""Helper processes, forked from Pelican's to work beside it (parallel_reading.py,
parallel_rendering.py): how many the machine can run, starting one, what it logs, and passing its
results back.

A helper is a fork of Pelican's process at one point of the build, so it has everything Pelican
had then. It logs nothing itself: each piece of its work carries the log records made while it was
done, and Pelican's process logs them again when it uses that work (`log_again`), so the messages,
their filters and the errors they count are those of a build in one process. A helper takes no
lock that another thread may hold (Pelican's progress display runs in one), writes nothing to the
terminal, and ends with os._exit: no exit handler of Pelican's runs twice.
"""

import contextlib
import fcntl
import gc
import logging
import os
import pickle
import sys
import tempfile

from pelican.log import FilteredMessage


def cores():
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def how_many(work, fewest, cores):
    """How many helpers should share `work` pieces with Pelican's process: one per further core,
    as long as each process has `fewest` pieces or more; none when `fewest` is 0."""
    if not fewest:
        return 0
    return max(0, min(cores, work // fewest) - 1)


def can_fork():
    return hasattr(os, "fork")


def fork(work):
    """Start a helper that runs work(records), `records` the list its log records go to, and
    ends when it returns (exit code 0) or raises (1). Returns the helper's pid."""
    sys.stdout.flush()  # nothing buffered is written twice
    sys.stderr.flush()
    gc.freeze()  # the collector leaves alone what both share, so fewer pages are copied (garbage.py)
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        records = []
        divert_logs(records)
        work(records)
        code = 0
    finally:
        os._exit(code)


def divert_logs(records):
    """Every log record from now on goes to `records` (Capture), with no handler or filter of
    Pelican's on the way: those apply when it is logged again (`log_again`). Returns each
    logger's handlers and filters as they were (`logs_held` puts them back)."""
    loggers = [logging.root]
    loggers += [each for each in logging.root.manager.loggerDict.values() if isinstance(each, logging.Logger)]
    saved = [(each, each.handlers, each.filters) for each in loggers]
    for each in loggers:
        each.handlers, each.filters = [], []
    logging.root.handlers = [Capture(records)]
    return saved


@contextlib.contextmanager
def logs_held(records):
    """In Pelican's process: what is logged in the block goes to `records`, to be logged again
    (`log_again`) or not at all, as a helper's records are."""
    saved = divert_logs(records)
    try:
        yield
    finally:
        for each, handlers, filters in saved:
            each.handlers, each.filters = handlers, filters


def wait(pid):
    """In Pelican's process: wait for a helper to end, and return its exit code (None if it was
    waited for already). What `fork` froze stays frozen: it lives to the build's end, like what
    garbage.py sets aside, which unfreezing here would undo."""
    try:
        _pid, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)


def parent_is_gone(parent):
    """In a helper: Pelican's process has ended (the build was stopped), so should the helper."""
    return os.getppid() != parent


class ProcessLock:
    """A lock between Pelican's process and its helpers (made before they are forked) that a
    process no longer holds once it has ended, however it ended: a POSIX record lock on a file of
    its own. A helper killed while it held the lock leaves nobody waiting for it."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close)

    def __enter__(self):
        fcntl.lockf(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.lockf(self.file, fcntl.LOCK_UN)

    def close(self):
        self.file.close()


def log_again(records):
    """Log in Pelican's process what a helper logged, through Pelican's filters and handlers."""
    for data in records:
        with contextlib.suppress(FilteredMessage):  # Pelican's filter: said already
            logging.getLogger(data["name"]).handle(logging.makeLogRecord(data))


class Capture(logging.Handler):
    """A helper's log records, as plain data that can be passed back and logged again."""

    def __init__(self, records):
        super().__init__(logging.NOTSET)
        self.records = records

    def emit(self, record):
        data = dict(record.__dict__)
        try:
            pickle.dumps(record.args)
        except Exception:  # noqa: BLE001 (any value: what cannot be passed back is passed as text)
            data["msg"], data["args"] = record.getMessage(), None
        if record.exc_info:
            data["exc_text"] = logging.Formatter().formatException(record.exc_info)
        data["exc_info"] = None
        for key, value in list(data.items()):
            try:
                pickle.dumps(value)
            except Exception:  # noqa: BLE001 (as above)
                data[key] = repr(value)
        self.records.append(data)


class Pickler(pickle.Pickler):
    """The build's settings are named, not copied: the other side has the same object."""

    def __init__(self, file, settings):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj):
        return "settings" if obj is self.settings else None


class Unpickler(pickle.Unpickler):
    def __init__(self, file, settings):
        super().__init__(file)
        self.settings = settings

    def persistent_load(self, pid):
        if pid == "settings":
            return self.settings
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")
