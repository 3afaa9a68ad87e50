"""The site search: a Pagefind index of the built site, written into <output>/pagefind/.

Pagefind (the `pagefind` package, which ships its own binary in `pagefind_bin`) reads the HTML
that Pelican wrote. Only elements marked `data-pagefind-body` are indexed (article and page
bodies), and the links marked `data-pagefind-filter="type"` and `"topic"` become the search
page's filters. Pages in another language (`<html lang="es">`) get an index of their own.

`tasks.py` calls `build_search_index` after every Pelican build (build, publish, serve,
livereload) and the tests call it the same way. It runs after Pelican rather than inside it
because it needs the finished HTML files.

Determinism: indexing the same site twice gives the same bytes. Pagefind 1.5.2 alone does not
(the order inside its filter files changes from run to run, and with it their names: Pagefind
issue #638); `stable_index.make_stable` puts them in a fixed order right after Pagefind, so that
a deploy of an unchanged site uploads nothing.

In a production build (the plugin's BUILD_MANIFEST setting), Pelican leaves a build manifest in
the output when it finished without errors; once the index is written, `build_search_index` adds
the number of pages it indexed to that manifest, and `invoke deploy` refuses a build without it.
"""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

if __package__:
    from . import build_manifest, stable_index
else:  # run as a script (tasks.py, the tests): this folder is on sys.path
    import build_manifest
    import stable_index

BUNDLE = "pagefind"  # the folder under the output, served as /pagefind/


def build_search_index(output_dir):
    """Index the built site in output_dir into output_dir/pagefind/; return the number of pages.

    The previous bundle is removed first, so that no stale index file outlives its pages.
    Prints one line: how many pages were indexed and how long it took.
    """
    site = Path(output_dir).resolve()
    if not site.is_dir():
        raise FileNotFoundError(f"{site} does not exist: build the site first")
    bundle = site / BUNDLE
    start = time.perf_counter()
    build_manifest.record_search_index(site, None)  # until this index is complete
    shutil.rmtree(bundle, ignore_errors=True)
    run_pagefind(site, bundle)
    stable_index.make_stable(bundle)
    by_language = indexed_pages(bundle)
    pages = sum(by_language.values())
    build_manifest.record_search_index(site, pages)
    languages = ", ".join(f"{lang} {count}" for lang, count in sorted(by_language.items()))
    print(f"Search index: {pages} pages ({languages}) indexed into {Path(output_dir) / BUNDLE}/ "
          f"in {time.perf_counter() - start:.2f} s", flush=True)
    return pages


def run_pagefind(site, bundle):
    """Pagefind's own command line, which returns once every file of the bundle is on disk.

    (Not its Python API: in 1.5.2 the service answers WriteFiles while its writes may still be
    in flight, and closing the service then stops them, which once left an empty
    pagefind-entry.json.)
    """
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(bundle), "--quiet"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def indexed_pages(bundle):
    """{language: pages} in the index, from Pagefind's own pagefind-entry.json.

    (Pagefind's answer to add_directory counts every HTML file it read, also those without
    `data-pagefind-body`, which it leaves out.)
    """
    entry = json.loads((Path(bundle) / "pagefind-entry.json").read_text(encoding="utf-8"))
    return {lang: language["page_count"] for lang, language in entry["languages"].items()}


if __name__ == "__main__":  # tasks.py: python plugins/iwelcome/search.py OUTPUT_DIR
    if len(sys.argv) != 2:
        sys.exit("usage: python plugins/iwelcome/search.py OUTPUT_DIR")
    build_search_index(sys.argv[1])
