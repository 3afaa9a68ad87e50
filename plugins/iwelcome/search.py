"""The site search: a Pagefind index of the built site, written into <output>/pagefind/.

Pagefind (the `pagefind` package, which ships its own binary in `pagefind_bin`) reads the HTML
that Pelican wrote. Only elements marked `data-pagefind-body` are indexed (article and page
bodies), and the links marked `data-pagefind-filter="type"` and `"topic"` become the search
page's filters. Pages in another language (`<html lang="es">`) get an index of their own.

The index is part of the build: the plugin makes it at the end of every Pelican build
(`finalized`), once the pages are written and the theme's files renamed, when the SEARCH_INDEX
setting is on (the default; `livereload` turns it off, and makes it after). Every caller of Pelican gets
a complete site.

Determinism: indexing the same site twice gives the same bytes. Pagefind 1.5.2 alone does not
(the order inside its filter files changes from run to run, and with it their names: Pagefind
issue #638); `stable_index.make_stable` puts them in a fixed order right after Pagefind, so that
a deploy of an unchanged site uploads nothing.
"""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import stable_index
from .report import BuildStopped
from .settings import setting

BUNDLE = "pagefind"  # the folder under the output, served as /pagefind/


class SearchIndexError(BuildStopped):
    """Pagefind failed; the message says so in one line (the build has no manifest, so no deploy)."""


def build_search_index(output_dir):
    """Index the built site in output_dir into output_dir/pagefind/; return {language: pages}.

    The previous bundle is removed first, so that no stale index file outlives its pages.
    Prints one line, as Pelican does at the end of a build: how many pages, how long it took.
    """
    site = Path(output_dir).resolve()
    bundle = site / BUNDLE
    start = time.perf_counter()
    shutil.rmtree(bundle, ignore_errors=True)
    run_pagefind(site, bundle)
    stable_index.make_stable(bundle)
    by_language = indexed_pages(bundle)
    languages = ", ".join(f"{lang} {count}" for lang, count in sorted(by_language.items()))
    print(
        f"Search index: {sum(by_language.values())} pages ({languages}) indexed into {bundle}/ "
        f"in {time.perf_counter() - start:.2f} s",
        flush=True,
    )
    return by_language


def run_pagefind(site, bundle):
    """Pagefind's own command line, which returns once every file of the bundle is on disk.

    (Not its Python API: in 1.5.2 the service answers WriteFiles while its writes may still be
    in flight, and closing the service then stops them, which once left an empty
    pagefind-entry.json.)
    """
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(bundle), "--quiet"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no message"]
        raise SearchIndexError(
            f"the search index could not be made: Pagefind stopped (exit {result.returncode}): {last[0]}"
        )


def indexed_pages(bundle):
    """{language: pages} in the index, from Pagefind's own pagefind-entry.json.

    (Pagefind's answer to add_directory counts every HTML file it read, also those without
    `data-pagefind-body`, which it leaves out.)
    """
    entry = json.loads((Path(bundle) / "pagefind-entry.json").read_text(encoding="utf-8"))
    return {lang: language["page_count"] for lang, language in entry["languages"].items()}


def finish(pelican):
    """finalized, after the theme's files are renamed: the index of the finished pages, when
    SEARCH_INDEX is on; {language: pages}, or None when it is off."""
    if not setting(pelican.settings, "SEARCH_INDEX"):
        return None
    return build_search_index(pelican.output_path)
