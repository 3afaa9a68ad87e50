"""Save to served: how long after an editor saves an article the preview serves its new page.

    python benchmarks/preview_bench.py [--articles 2000 | --site] [--edits 7] [--title-edits 3] [--topic-edits 3]

Starts the preview (preview_server.start, as `python3 tasks.py livereload` does) on a copy of
this site's content (--site) or on the synthetic corpus (benchmarks/corpus.py), in a temporary
folder, and waits until its first build and search index are done. Then, edit after edit, it
writes a new word into one article's text (an edit to the text alone: the preview writes its page
at once, before the build) and, with a real HTTP client, asks for the article's page every 10 ms
until the page has the word: the time from the save to that answer; the time from the save until
the long poll of a browser's reloader on that page answers (the page reloads); and the time until
the build has ended. Each edit starts once the preview is idle again (its search index made).
The page as first served must be byte for byte the page its build then writes. Then come
--title-edits edits of the article's title (written at once too: the build only shows a title),
and --topic-edits edits that give it a new topic (no quick write: the topic's pages list it; the
page is served once its build, having read, checked and prepared the site, has written it first).
Prints the median, the fastest and the slowest of each, and each build's own time as the preview
measured it.
"""

import argparse
import json
import re
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

TITLE = re.compile(r"^Title:.*$", re.MULTILINE)
TAGS = re.compile(r"^Tags:.*$", re.MULTILINE)
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


def wait_for_reload(address, since, edits, url_path, reloaded):
    """What a browser's reloader on `url_path` does: wait for a build after `since`, or a quick
    write after `edits` of this page (the long poll answers every 20 s with neither: ask again);
    note when it answered so."""
    while True:
        answer = json.loads(get(f"{address}/__preview__/status?since={since}&edits={edits}"))
        if answer["build"] > since or (answer["edits"] > edits and url_path in answer["edited"]):
            reloaded.append(time.perf_counter())
            return
        edits = answer["edits"]


def wait_for_build(address, since, ended):
    """Wait for the build after `since` to end; note when."""
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
    parser.add_argument("--edits", type=int, default=7, help="edits of an article's text")
    parser.add_argument("--title-edits", type=int, default=3, help="edits of its title")
    parser.add_argument("--topic-edits", type=int, default=3, help="edits that give it a new topic")
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
        page_file = tmp / "output" / url_path.strip("/") / "index.html"
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
            results = {kind: ([], [], [], []) for kind in ("text", "title", "topic")}  # served, reload, end, build
            kinds = ["text"] * args.edits + ["title"] * args.title_edits + ["topic"] * args.topic_edits
            for edit, kind in enumerate(kinds):
                word = f"benchmarkedit{edit}x{time.time_ns()}"
                before = status(address)
                reloaded, ended = [], []
                watchers = [
                    threading.Thread(
                        target=wait_for_reload, args=(address, before["build"], before["edits"], url_path, reloaded)
                    ),
                    threading.Thread(target=wait_for_build, args=(address, before["build"], ended)),
                ]
                for watcher in watchers:
                    watcher.start()
                if kind == "text":
                    edited = original.rstrip("\n") + f"\n\nThe new word is {word} here.\n"
                elif kind == "title":
                    edited = TITLE.sub(lambda m, word=word: f"{m.group(0)} {word}", original, count=1)
                else:
                    edited = TAGS.sub(lambda m, word=word: f"{m.group(0)}, {word}", original, count=1)
                article.write_text(edited, encoding="utf-8")
                saved = time.perf_counter()
                wait_until(lambda word=word: word in get(address + url_path), f"edit {edit + 1} to be served")
                served = time.perf_counter() - saved
                first_bytes = page_file.read_bytes()
                for watcher in watchers:
                    watcher.join()
                idle(address)
                after = status(address)
                if after["build"] <= before["build"] or not after["good"]:
                    sys.exit(f"edit {edit + 1}: no good build after it ({after})")
                if page_file.read_bytes() != first_bytes:
                    sys.exit(f"edit {edit + 1}: the page first served is not the page its build wrote")
                for values, value in zip(
                    results[kind], (served, reloaded[0] - saved, ended[0] - saved, after["seconds"]), strict=True
                ):
                    values.append(value)
                print(
                    f"  {kind} edit {edit + 1}: served after {served:.2f} s, reload after {reloaded[0] - saved:.2f} s, "
                    f"build ended after {ended[0] - saved:.2f} s (build {after['seconds']:.2f} s)",
                    flush=True,
                )
        finally:
            running.stop()
    for kind, values in results.items():
        for what, numbers in zip(
            ("save to served", "save to reload", "save to build end", "build"), values, strict=True
        ):
            if numbers:
                print(
                    f"{name}: {kind} edit, {what}, median {statistics.median(numbers):.2f} s "
                    f"(fastest {min(numbers):.2f} s, slowest {max(numbers):.2f} s, {len(numbers)} edits)"
                )


if __name__ == "__main__":
    main()
