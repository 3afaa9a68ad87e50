"""How long each part of the plugin took in this build, and a few of its numbers (pages rendered
and unchanged): logged, and written to PLUGIN_TIMINGS_FILE (as JSON, {"seconds": {...}, "counts":
{...}}) for the build benchmark."""

import json
import logging
import time
from contextlib import contextmanager

from .settings import setting

logger = logging.getLogger(__name__)
_seconds = {}
_counts = {}


def start(pelican):
    """initialized: a new build, no time counted yet."""
    _seconds.clear()
    _counts.clear()


def count(name, number):
    """Record a number of this build (pages rendered, pages unchanged)."""
    _counts[name] = number


def add(name, seconds):
    """Count `seconds` under `name`, timed elsewhere (in a helper)."""
    _seconds[name] = _seconds.get(name, 0.0) + seconds


@contextmanager
def part(name):
    """Count the time of the `with` block under `name` (validation, actions, related, ...)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - started)


def finish(pelican):
    """finalized: log the parts, and write them where PLUGIN_TIMINGS_FILE says."""
    logger.info("iwelcome plugin: " + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in _seconds.items()))
    path = setting(pelican.settings, "PLUGIN_TIMINGS_FILE")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"seconds": _seconds, "counts": _counts}, f)
