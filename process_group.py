"""Commands that tasks.py and the preview server run, each in a process group of its own, so that
stopping the task stops the command and everything it started (Pelican, Pagefind, pytest ...).

Ctrl-C in a terminal interrupts the task's own process; SIGTERM and SIGHUP (`kill`, a closed
terminal) are made to do the same (`interrupt_on_termination`). While a command runs, an interrupt
stops its whole group (`stop`) before it goes on up, so no child outlives the task and holds a
port or writes into output/. The standard library only.
"""

import contextlib
import os
import signal
import subprocess

POSIX = os.name == "posix"


def start(command, **options):
    """subprocess.Popen(command, **options), the command in a new process group (POSIX)."""
    if POSIX:
        options["process_group"] = 0
    return subprocess.Popen(command, **options)


def stop(process, grace=5.0):
    """Stop a process that `start` started and every process of its group: SIGTERM, then SIGKILL
    after `grace` seconds. Returns once the process itself has ended."""
    if not POSIX:
        process.kill()
        process.wait()
        return
    for number, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError):  # the group has ended already
            os.killpg(process.pid, number)
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # what the command started and left behind
        os.killpg(process.pid, signal.SIGKILL)


def run(command, capture=False, **options):
    """Run a command to its end in a process group of its own (`start`), its output on ours, or
    captured as text with `capture=True`; returns the CompletedProcess. Interrupted (Ctrl-C, or
    SIGTERM with `interrupt_on_termination`), it stops the group and raises KeyboardInterrupt."""
    if capture:
        options.update(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process = start(command, **options)
    try:
        stdout, stderr = process.communicate()
    except BaseException:
        stop(process)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def interrupt_on_termination():
    """SIGTERM and SIGHUP raise KeyboardInterrupt in the main thread, as Ctrl-C does, so that what
    a task started is stopped and its server closed, instead of the process ending at once."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.default_int_handler)
