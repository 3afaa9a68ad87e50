"""What a build imports and reads lives until its end: once imported, and again once read, it is
set aside from Python's cycle collector (`gc.freeze`), which otherwise walks every module, item,
metadata and list again at each full collection while the rest is read, checked and written.
Objects are still freed when nothing refers to them; only a cycle among the set-aside ones would
wait for the process's end, which comes with the build's. A fork for helpers (helpers.py) freezes
too, and leaves it so, on the same grounds. Output does not depend on it."""

import gc


def set_aside(_sender):
    """initialized, and all_generators_finalized first: the cycles made so far collected, then
    the rest frozen."""
    gc.collect()
    gc.freeze()
