"""Save to served: how long after an editor saves an article the preview serves its new page.

    python benchmarks/preview_bench.py [--articles 2000 | --site] [--edits 7]

Starts the preview (preview_server.start, as `python3 tasks.py livereload` does) on a copy of
this site's content (--site) or on the synthetic corpus (benchmarks/corpus.py), in a temporary
folder, and waits until its first build and search index are done. Then, edit after edit, it
writes a new word into one article's text and, with a real HTTP client, asks for the article's
page every 10 ms until the page has the word: the time from the save to that answer (Pelican
writes the page before its build ends); and the time from the save until the long poll of a
browser's reloader answers (the build has ended: the page reloads). Each edit starts once the
preview is idle again (its search index made). Prints the median, the fastest and the slowest of
each, and each build's own time as the preview measured it.
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from corpus import write_site  # benchmarks/corpus.py: Python puts a script's own folder on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # preview_server.py, at the top of the repository

import preview_server  # noqa: E402 - after the repository is on sys.path

DEADLINE = 120.0  # seconds an edit, or the first build, may take before the benchmark gives up


def get(url):
    with urllib.request.urlopen(url, timeout=DEADLINE) as answer:
        return answer.read().decode("utf-8")


def status(address, since=None):
    query = "" if since is None else f"?since={since}"
    return json.loads(get(f"{address}/__preview__/status{query}"))


def wait_until(predicate, what):
    """Poll `predicate` every 10 ms until it is true, or stop after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit(f"gave up waiting for {what}")
        time.sleep(0.01)


def wait_for_build(address, since, ended):
    """What a browser's reloader does: wait for the build after `since` (the long poll answers
    every 20 s with no new build: ask again); note when it answered."""
    while status(address, since)["build"] <= since:
        pass
    ended.append(time.perf_counter())


def idle(address):
    """Wait until the preview is neither building nor indexing."""
    wait_until(lambda: (lambda s: not s["building"] and s["search"] != "indexing")(status(address)), "an idle preview")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--articles", type=int, default=2000, help="the synthetic corpus, this many articles")
    source.add_argument("--site", action="store_true", help="a copy of this site's content instead")
    parser.add_argument("--edits", type=int, default=7)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="iwelcome-preview-bench-") as tmp:
        tmp = Path(tmp)
        if args.site:
            content = Path(shutil.copytree(ROOT / "content", tmp / "content"))
            name = "this site"
        else:
            content = write_site(args.articles, tmp / "content")
            name = f"{args.articles:,} articles"
        article = sorted((content / "updates").glob("*.md"))[0]
        url_path = f"/updates/{article.stem}/"
        original = article.read_text(encoding="utf-8")
        running = preview_server.start(content, tmp / "output", cache=tmp / "cache")
        try:
            address = running.address
            first = status(address, since=0)
            while first["build"] == 0:  # the long poll answers every 20 s; a cold build can take longer
                first = status(address, since=0)
            if not first["good"]:
                sys.exit(f"the first build failed: {first['problems']}")
            print(f"{name}: first build {first['seconds']:.1f} s", flush=True)
            idle(address)
            timings, signals, builds = [], [], []
            for edit in range(args.edits):
                word = f"benchmarkedit{edit}x{time.time_ns()}"
                before = status(address)["build"]
                ended = []  # when the long poll a browser's reloader makes answered: the reload
                signal = threading.Thread(target=wait_for_build, args=(address, before, ended))
                signal.start()
                article.write_text(original.rstrip("\n") + f"\n\nThe new word is {word} here.\n", encoding="utf-8")
                saved = time.perf_counter()
                wait_until(lambda word=word: word in get(address + url_path), f"edit {edit + 1} to be served")
                timings.append(time.perf_counter() - saved)
                signal.join()
                signals.append(ended[0] - saved)
                idle(address)
                after = status(address)
                if after["build"] <= before or not after["good"]:
                    sys.exit(f"edit {edit + 1}: no good build after it ({after})")
                builds.append(after["seconds"])
                print(
                    f"  edit {edit + 1}: served after {timings[-1]:.2f} s, reload signal after {signals[-1]:.2f} s "
                    f"(build {builds[-1]:.2f} s)",
                    flush=True,
                )
        finally:
            running.stop()
    for what, values in (("save to served", timings), ("save to reload signal", signals), ("build", builds)):
        print(
            f"{name}: {what}, median {statistics.median(values):.2f} s "
            f"(fastest {min(values):.2f} s, slowest {max(values):.2f} s, {len(values)} edits)"
        )


if __name__ == "__main__":
    main()
