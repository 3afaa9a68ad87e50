"""Build the synthetic corpus with plain Pelican and with this site, side by side.

    python benchmarks/build_bench.py [--articles 5000] [--runs 3] [--json bench.json]

(a) plain Pelican: the same pinned version, its default theme, no plugins, the same Markdown and
typogrify settings; (b) this site's full configuration (pelicanconf.py). Cold builds alternate
a, b, a, b, ...; after each cold build of (b), in its output folder and with its caches, (b) is
rebuilt three times: with nothing changed, after one article's text is edited, and after another
article's title is edited (every listing that shows it changes). Plain Pelican makes no search
index, so (b) leaves it out too (SEARCH_INDEX off) and the index is timed apart. Prints the
median wall time and peak memory of each, their ratios, the pages each rebuild rendered, the time
of each part of the plugin, the files and pages helper processes read and rendered in the cold
builds, and whether the last rebuild gave exactly the bytes of a clean build of the edited
content, made in one process; and Pelican's own floor: plain Pelican with its content cache warm,
stopped once it has read and grouped everything (before it renders), which no `pelican` run of
the site can beat. Writes the same figures as JSON.
"""

import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import write_site  # benchmarks/corpus.py: Python puts a script's own folder on sys.path

ROOT = Path(__file__).resolve().parent.parent

PLAIN_SETTINGS = """
import sys
sys.path.insert(0, {root!r})
import pelicanconf as site

PATH = "content"
ARTICLE_EXCLUDES = ["pages", "actions"]
PAGE_PATHS = ["pages"]
TIMEZONE = site.TIMEZONE
SLUGIFY_SOURCE = site.SLUGIFY_SOURCE
MARKDOWN = site.MARKDOWN
TYPOGRIFY = site.TYPOGRIFY or site.TYPOGRIFY_IN_READER  # the site typogrifies in its reader
TYPOGRIFY_IGNORE_TAGS = site.TYPOGRIFY_IGNORE_TAGS
DEFAULT_PAGINATION = site.DEFAULT_PAGINATION
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""


# Pelican's own floor: plain Pelican with its content cache warm, stopped by this plugin once it has
# read and grouped everything, before it renders or writes a page. No `pelican` run of the site can
# rebuild faster than this. Typogrify is off there: the site typogrifies in its reader, whose cache
# keeps the result, while Pelican's own step would run again on every read. Its cache is kept as
# the site keeps its own (GZIP_CACHE and the caching layer): compressing it is no part of the floor.
FLOOR_SETTINGS = """
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
GZIP_CACHE = site.GZIP_CACHE
CONTENT_CACHING_LAYER = site.CONTENT_CACHING_LAYER
TYPOGRIFY = False
PLUGIN_PATHS = [{plugins!r}]
PLUGINS = ["stop_when_read"]
"""
STOP_PLUGIN = """
import sys

from pelican import signals


def stop(generators):
    sys.exit(0)


def register():
    signals.all_generators_finalized.connect(stop)  # blinker keeps a weak reference: not a lambda
"""


def run(command, cwd):
    """(seconds, peak resident MiB) of one command, which must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{process.stderr.read()}")
    return seconds, usage.ru_maxrss / 1024


def pelican(content, settings, output, cache, extra=()):
    return [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-s",
        str(settings),
        "-o",
        str(output),
        "--cache-path",
        str(cache),
        "--log-handler",
        "plain",
        *extra,
    ]


def same_files(a, b):
    """Paths under a and b that differ (or exist on one side only)."""
    differ = []

    def walk(compare, prefix=""):
        differ.extend(prefix + name for name in compare.left_only + compare.right_only + compare.diff_files)
        for name, sub in compare.subdirs.items():
            walk(sub, prefix + name + "/")

    walk(filecmp.dircmp(a, b, ignore=["pagefind"]))  # the index, made apart, is not in the first build
    return differ


def edited_articles(content):
    """Two articles of the corpus, always the same: one whose text the benchmark edits, one whose
    title it edits."""
    updates = sorted((content / "updates").glob("*.md"))
    return updates[len(updates) // 3], updates[2 * len(updates) // 3]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", default="bench.json", help="where to write the figures")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="iwelcome-bench-") as tmp:
        tmp = Path(tmp)
        content = write_site(args.articles, tmp / "content")
        plain_settings = tmp / "plainconf.py"
        plain_settings.write_text(PLAIN_SETTINGS.format(root=str(ROOT)))
        (tmp / "floor-plugin").mkdir()
        (tmp / "floor-plugin" / "stop_when_read.py").write_text(STOP_PLUGIN)
        floor_settings = tmp / "floorconf.py"
        floor_settings.write_text(plain_settings.read_text() + FLOOR_SETTINGS.format(plugins=str(tmp / "floor-plugin")))
        timings_file = tmp / "plugin-timings.json"
        # Plain Pelican makes no search index: the site's builds leave it out too, and it is timed apart.
        # One -e for all settings: Pelican keeps only the last -e.
        timings = f"PLUGIN_TIMINGS_FILE={json.dumps(str(timings_file))}"
        site_extra = ["--ignore-cache", "-e", "SEARCH_INDEX=false", timings]
        index_script = "import sys; from iwelcome import search; search.build_search_index(sys.argv[1])"
        index = [sys.executable, "-c", index_script]
        print(f"{args.articles} articles, {args.runs} runs each, alternating plain / site", flush=True)

        names = ("plain", "floor", "site", "rebuild", "body_edit", "title_edit", "plugin", "search")
        results = {name: [] for name in names}
        rendered = {name: [] for name in ("rebuild", "body_edit", "title_edit")}
        shared = {"files read by helpers": [], "pages from helpers": []}  # the cold site builds'

        def timed_site_build(name, run_content, out, cache, extra):
            results[name].append(run(pelican(run_content, ROOT / "pelicanconf.py", out, cache, extra), ROOT))
            timings = json.loads(timings_file.read_text())
            if name in rendered:
                rendered[name].append(timings["counts"]["pages rendered"])
            if name == "site":
                for key, counts in shared.items():
                    counts.append(timings["counts"].get(key, 0))
            return timings

        for i in range(args.runs):
            out_plain, out_site = tmp / f"plain-{i}", tmp / f"site-{i}"
            run_content = tmp / f"content-{i}"  # edited below: each run starts from the corpus
            shutil.copytree(content, run_content)
            results["plain"].append(
                run(pelican(run_content, plain_settings, out_plain, tmp / f"cache-plain-{i}", ["--ignore-cache"]), ROOT)
            )
            floor = pelican(run_content, floor_settings, tmp / f"floor-{i}", tmp / f"cache-floor-{i}")
            run(floor, ROOT)  # fills the content cache (Pelican saves it once it has read everything)
            results["floor"].append(run(floor, ROOT))
            cache = tmp / f"cache-{i}-site"
            results["plugin"].append(timed_site_build("site", run_content, out_site, cache, site_extra)["seconds"])
            warm = ["-e", "SEARCH_INDEX=false", timings]
            timed_site_build("rebuild", run_content, out_site, cache, warm)
            body, title = edited_articles(run_content)
            body.write_text(body.read_text(encoding="utf-8") + "\nOne more sentence, added by the benchmark.\n")
            timed_site_build("body_edit", run_content, out_site, cache, warm)
            text = title.read_text(encoding="utf-8")
            title.write_text(text.replace("Title: ", "Title: Edited: ", 1), encoding="utf-8")
            timed_site_build("title_edit", run_content, out_site, cache, warm)
            results["search"].append(run([*index, str(out_site)], ROOT / "plugins"))
            print(
                f"  run {i + 1}: plain {results['plain'][-1][0]:.1f} s "
                f"(reading alone, warm {results['floor'][-1][0]:.1f} s), "
                f"site {results['site'][-1][0]:.1f} s, "
                f"rebuild {results['rebuild'][-1][0]:.1f} s, one text edited {results['body_edit'][-1][0]:.1f} s, "
                f"one title edited {results['title_edit'][-1][0]:.1f} s, search index {results['search'][-1][0]:.1f} s",
                flush=True,
            )
        # The last rebuild after edits against a clean build of the same content: the same bytes?
        last = args.runs - 1
        clean = tmp / "clean"
        one_process = ["-e", "SEARCH_INDEX=false", "PARALLEL_READING=0", "PARALLEL_RENDERING=0"]
        run(pelican(tmp / f"content-{last}", ROOT / "pelicanconf.py", clean, tmp / "cache-clean", one_process), ROOT)
        differ = same_files(tmp / f"site-{last}", clean)

    def median(name, index):
        return statistics.median(r[index] for r in results[name])

    figures = {
        "articles": args.articles,
        "runs": args.runs,
        "plain_seconds": median("plain", 0),
        "pelican_floor_seconds": median("floor", 0),
        "site_seconds": median("site", 0),
        "rebuild_seconds": median("rebuild", 0),
        "body_edit_seconds": median("body_edit", 0),
        "title_edit_seconds": median("title_edit", 0),
        "pages_rendered": {name: statistics.median(counts) for name, counts in rendered.items()},
        "cold_build_helpers": {name: statistics.median(counts) for name, counts in shared.items()},
        "spread_seconds": {
            name: [round(min(r[0] for r in results[name]), 2), round(max(r[0] for r in results[name]), 2)]
            for name in ("plain", "floor", "site", "rebuild", "body_edit", "title_edit")
        },
        "search_seconds": median("search", 0),
        "plain_peak_mib": median("plain", 1),
        "site_peak_mib": median("site", 1),
        "plugin_seconds": {
            part: statistics.median(r[part] for r in results["plugin"]) for part in results["plugin"][0]
        },
        "identical_output": not differ,
        "differing_files": differ[:20],
    }
    figures["time_ratio"] = figures["site_seconds"] / figures["plain_seconds"]
    figures["memory_ratio"] = figures["site_peak_mib"] / figures["plain_peak_mib"]
    figures["rebuild_ratio"] = figures["rebuild_seconds"] / figures["site_seconds"]
    figures["pelican_floor_ratio"] = figures["pelican_floor_seconds"] / figures["site_seconds"]
    figures["body_edit_ratio"] = figures["body_edit_seconds"] / figures["site_seconds"]
    figures["title_edit_ratio"] = figures["title_edit_seconds"] / figures["site_seconds"]
    figures["plugin_share"] = sum(figures["plugin_seconds"].values()) / figures["site_seconds"]

    print()
    print(
        "| articles | plain Pelican | this site | ratio | rebuild, nothing changed | one text edited "
        "| one title edited | peak memory plain / site | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.articles:,} | {figures['plain_seconds']:.1f} s | {figures['site_seconds']:.1f} s "
        f"| {figures['time_ratio']:.2f}x "
        f"| {figures['rebuild_seconds']:.1f} s ({figures['rebuild_ratio']:.2f}x) "
        f"| {figures['body_edit_seconds']:.1f} s ({figures['body_edit_ratio']:.2f}x) "
        f"| {figures['title_edit_seconds']:.1f} s ({figures['title_edit_ratio']:.2f}x) "
        f"| {figures['plain_peak_mib']:.0f} / {figures['site_peak_mib']:.0f} MiB | {figures['memory_ratio']:.2f}x |"
    )
    spread = ", ".join(f"{name} {low}-{high} s" for name, (low, high) in figures["spread_seconds"].items())
    print(f"\nspread (fastest-slowest run): {spread}")
    pages = ", ".join(f"{name} {count:.0f}" for name, count in figures["pages_rendered"].items())
    print(f"pages rendered: {pages}")
    helped = ", ".join(f"{name} {count:.0f}" for name, count in figures["cold_build_helpers"].items())
    print(f"cold build, helper processes (parallel_reading.py, parallel_rendering.py): {helped}")
    parts = ", ".join(f"{part} {seconds:.2f} s" for part, seconds in figures["plugin_seconds"].items())
    print(f"\nplugin: {parts} ({figures['plugin_share']:.1%} of the site build)")
    print(f"search index, apart (part of a real build's end): {figures['search_seconds']:.1f} s")
    print(
        f"Pelican's floor: plain Pelican only reading from its warm content cache, stopped before it renders, "
        f"{figures['pelican_floor_seconds']:.2f} s = {figures['pelican_floor_ratio']:.3f}x the site's cold build "
        "(no `pelican` run rebuilds faster)"
    )
    print(
        "output: "
        + (
            "the rebuild after edits is byte-identical to a clean build in one process"
            if not differ
            else f"{len(differ)} files differ: {differ[:5]}"
        )
    )
    Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
