"""The checks beside the preparing: in a build with many articles and pages, the check stage runs
in a forked helper (helpers.py) while Pelican's process prepares what the templates show, and
nothing is written before the checks have said the content is good.

Serially, the checks run first and a failed check stops the build before the preparing starts.
Here both run at once, and the build still behaves as that one process would:
- what the preparing logs is held (`meanwhile`) and logged after what the checks logged (which the
  helper passes back), and only if the checks passed: a site with errors prints its problem lines
  and nothing else;
- a preparing that fails on content the checks refuse (it expects good content) is forgotten, and
  the checks' problems stop the build; if the checks pass, its failure is raised as it would have been;
- the checks only read what Pelican read (they change nothing the preparing or the pages use), so
  the site is byte-identical to one checked in Pelican's process;
- a helper that cannot start leaves the checks to Pelican's process, before the preparing; one
  that ends without an answer (it failed), to Pelican's process after the preparing, where a
  failure of the checks is raised as it would have been.

The preparing of a preview build (and the page it writes first) starts as soon as the reading ends;
on a 2-core machine that saves the shorter of the two stages. `PARALLEL_CHECKS` is the fewest
articles and pages for which the checks run in a helper (0: always in Pelican's process); `invoke
check`, which stops after the checks, runs them in Pelican's process.
"""

import contextlib
import os
import pickle
import signal
import tempfile
import time

from . import helpers, timings
from .settings import setting

_under_way = []  # the checks running in a helper: one Helper, until the preparing has ended


def wanted(settings, items):
    """Whether the checks of a build with `items` articles and pages should run in a helper."""
    fewest = setting(settings, "PARALLEL_CHECKS")
    if not fewest or items < fewest or setting(settings, "CHECK_ONLY"):
        return False
    return helpers.cores() > 1 and helpers.can_fork()


def start(check, verdict):
    """Run check() (which returns plain data) in a helper; verdict(its result) is called in
    Pelican's process when the preparing ends (`meanwhile`), and stops the build on errors."""
    forget()
    try:
        _under_way.append(Helper(check, verdict))
    except OSError:  # no process to be had (fork failed): here, now, as without helpers
        verdict(check())


def forget(*_args):
    """initialized, and before a new start: no helper of an earlier build is waited for."""
    while _under_way:
        _under_way.pop().end()


@contextlib.contextmanager
def meanwhile():
    """Around the preparing: with checks under way in a helper, what is logged is held, and at the
    end the checks' verdict comes first (see the module's docstring). Without, nothing changes."""
    if not _under_way:
        yield
        return
    helper = _under_way.pop()
    held = []
    failure = None
    try:
        with helpers.logs_held(held):
            yield
    except Exception as crash:  # noqa: BLE001 - raised below, once the checks have had their say
        failure = crash
    except BaseException:  # Ctrl-C, or an exit: the checks no longer matter
        helper.end()
        raise
    helper.verdict(helper.result())  # stops the build on errors: the preparing's logs and failure are then moot
    helpers.log_again(held)
    if failure is not None:
        raise failure


class Helper:
    """One helper running the checks, and the file its answer comes in."""

    def __init__(self, check, verdict):
        self.check, self.verdict = check, verdict
        self.answer = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result or end)
        self.pid = helpers.fork(self.run)

    def run(self, records):
        """In the helper: the checks' result, what they logged and how long they took."""
        started = time.perf_counter()
        result = self.check()
        pickle.dump((result, list(records), time.perf_counter() - started), self.answer, pickle.HIGHEST_PROTOCOL)
        self.answer.flush()

    def result(self):
        """In Pelican's process: the checks' result, once the helper has ended (what it logged
        logged again); the checks run here instead when it gave no answer."""
        with timings.part("waiting for the checks"):
            code = helpers.wait(self.pid)
        answer = None
        if code == 0:
            self.answer.seek(0)
            with contextlib.suppress(Exception):
                answer = pickle.load(self.answer)
        self.answer.close()
        if answer is None:
            return self.check()
        result, records, seconds = answer
        timings.add("validation", seconds)
        helpers.log_again(records)
        return result

    def end(self):
        """A helper no longer waited for (a build that stopped early): ended, and its file closed."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        helpers.wait(self.pid)
        self.answer.close()
