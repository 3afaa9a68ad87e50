"""Time the related-updates computation alone on the synthetic corpus.

    python benchmarks/related_bench.py [--sizes 1000,5000,20000] [--runs 3]

Prints, for each size, the best of the runs (which go round the sizes) in seconds and the peak
memory the computation allocates (tracemalloc), and the growth from one size to the next.
"""

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

# The plugin's folder; benchmarks/ (corpus.py) is on sys.path already, as a script's own folder.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from corpus import SINGULAR, entries
from pelican.utils import slugify

from iwelcome.related import Doc, related_updates


def docs_for(n):
    """The corpus as the plugin hands it to related_updates: slugs of topics and countries."""
    slugs = {}

    def slug(text):
        if text not in slugs:
            slugs[text] = slugify(text)
        return slugs[text]

    return [
        Doc(
            e["slug"],
            SINGULAR[e["folder"]],
            e["date"].toordinal(),
            tuple(("tags", slug(t)) for t in e["tags"]) + tuple(("countries", slug(c)) for c in e["countries"]),
        )
        for e in entries(n)
    ]


def measure(sizes, runs):
    """{size: (best seconds, peak bytes)}. The runs go round the sizes (1k, 5k, 20k, 1k, ...), as
    the build benchmark alternates its builds, so that a busy spell of the machine does not land
    on one size alone and skew the growth."""
    corpora = {n: docs_for(n) for n in sizes}
    times = {n: [] for n in sizes}
    for _ in range(runs):
        for n in sizes:
            started = time.perf_counter()
            related_updates(corpora[n])
            times[n].append(time.perf_counter() - started)
    peaks = {}
    for n in sizes:
        tracemalloc.start()
        related_updates(corpora[n])
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {n: (min(times[n]), peaks[n]) for n in sizes}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = measure(sizes, args.runs)
    print(f"{'articles':>9} {'seconds':>8} {'peak MiB':>9} {'growth':>7}")
    previous = None
    for n in sizes:
        seconds, peak = results[n]
        growth = f"{seconds / previous[1]:.1f}x" if previous else ""
        print(f"{n:>9} {seconds:>8.3f} {peak / 2**20:>9.1f} {growth:>7}", flush=True)
        previous = (n, seconds)


if __name__ == "__main__":
    main()
