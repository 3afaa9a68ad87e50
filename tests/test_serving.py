"""`python3 tasks.py serve` and `livereload` as an editor runs them (issue 16.7): a port in use
gives one line naming a free one; stopping tasks.py (Ctrl-C, SIGTERM, or SIGHUP when its terminal
closes) stops every process it started and frees the port."""

import errno
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT
from site_server import free_port, port_problem

TASKS = [sys.executable, str(ROOT / "tasks.py")]


def test_the_line_for_a_port_in_use_names_the_task_and_a_free_port():
    in_use = OSError(errno.EADDRINUSE, "Address already in use")
    assert port_problem("serve", 8000, in_use, 8001) == (
        "Port 8000 is in use (by another preview, or another program); use another: python3 tasks.py serve --port 8001"
    )
    denied = OSError(errno.EACCES, "Permission denied")
    assert port_problem("livereload", 80, denied, None) == (
        "Port 80 cannot be used (Permission denied); use another with --port"
    )


def test_a_free_port_is_one_after_the_given_one_that_nobody_listens_on():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        found = free_port("127.0.0.1", port - 1)
        assert found is not None and found > port - 1 and found != port


def listening_socket():
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


def is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.mark.parametrize("task", ["serve", "livereload"])
def test_a_port_in_use_stops_the_task_in_one_line_that_names_a_free_one(task):
    with listening_socket() as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*TASKS, task, "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 1, output
    assert len(output.splitlines()) == 1, output
    match = re.fullmatch(
        rf"Port {port} is in use \(by another preview, or another program\); "
        rf"use another: python3 tasks\.py {task} --port (\d+)",
        output,
    )
    assert match, output
    assert int(match[1]) != port and is_free(int(match[1]))


def descendants(pid):
    """The processes that `pid` started, and theirs (ps), that are still running (not zombies)."""
    table = subprocess.run(["ps", "-eo", "pid=,ppid=,stat="], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in table.splitlines()]
    found, parents = [], {pid}
    while True:
        more = [int(row[0]) for row in rows if int(row[1]) in parents and int(row[0]) not in found]
        if not more:
            return [p for p in found if next(row[2] for row in rows if int(row[0]) == p)[0] != "Z"]
        found += more
        parents = set(more)


def running(pids):
    """Those of `pids` that are still running (zombies have ended)."""
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except FileNotFoundError:
            continue
    return alive


def poll(predicate, what, seconds=120, process=None, log=None):
    """Wait until predicate() holds; fail when `seconds` pass or when `process` ends first (with `log`'s text)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the task ended (exit {process.returncode}) before {what}:\n{log.read_text()}")
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up waiting for {what}" + (f":\n{log.read_text()}" if log else ""))
        time.sleep(0.02)


def answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
            return True
    except OSError:
        return False


def start(task, port, log):
    """tasks.py TASK --port PORT in a session of its own (as a terminal runs it), its output in `log`."""
    return subprocess.Popen(
        [*TASKS, task, "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process, how, log):
    """Stop tasks.py as `how` says and wait for it alone (not for what it started); its output."""
    if how in ("SIGTERM", "SIGHUP"):  # kill, or the terminal closed
        process.send_signal(getattr(signal, how))
    else:  # a terminal's Ctrl-C: SIGINT to its foreground process group, which tasks.py leads here
        os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    return log.read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "Ctrl-C"])
@pytest.mark.parametrize("task", ["serve", "livereload"])
def test_stopping_tasks_py_while_it_builds_stops_its_children_and_frees_the_port(task, how, tmp_path):
    port, log = free_port("127.0.0.1", 8100), tmp_path / "log.txt"
    with log.open("w") as out:
        process = start(task, port, out)
    try:
        poll(lambda: descendants(process.pid), "the task's build to start", process=process, log=log)
        children = descendants(process.pid)
        assert not is_free(port), "the task does not hold its port while it builds"
        output = stop(process, how, log)
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in output, output
    # At once (a second's grace for the kernel): a Pelican build left running would last longer.
    poll(lambda: not running(children), f"the task's children {children} to end", seconds=1)
    assert is_free(port), "the port is still held"


def test_stopping_serve_while_it_serves_frees_the_port(tmp_path):
    port, log = free_port("127.0.0.1", 8200), tmp_path / "log.txt"
    with log.open("w") as out:
        process = start("serve", port, out)
    try:
        poll(lambda: answers(port), "the preview to answer", process=process, log=log)
        output = stop(process, "SIGTERM", log)
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in output and "Preview stopped." in output, output
    assert is_free(port)
