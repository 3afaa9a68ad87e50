"""The build manifest: proof, in the output folder, that a production build finished.

`invoke deploy` uploads nothing unless the output holds this file. The plugin writes it once, at
the very end of a production build (`finalized`, BUILD_MANIFEST) that had no errors, after the
search index: `siteurl`, `assets` (the fingerprinted theme files) and `search_index` (the pages
indexed in each language). Every build removes it when it starts, so a failed build, a preview
build or one whose search index failed never leaves one behind (a preview build over an old
production output included).

The file is not part of the site: deploy never uploads it. deploy.py reads its name from here.
"""

import contextlib
import json
import logging
import os

NAME = ".build-manifest.json"
logger = logging.getLogger(__name__)


def path_in(output_path):
    return os.path.join(output_path, NAME)


def remove(output_path):
    with contextlib.suppress(FileNotFoundError):
        os.remove(path_in(output_path))


def write(output_path, siteurl, assets, search_index):
    """The manifest of a finished build; `assets`: {original path: fingerprinted path},
    `search_index`: {language: pages indexed}."""
    manifest = {
        "siteurl": siteurl,
        "assets": dict(sorted(assets.items())),
        "search_index": {"pages": sum(search_index.values()), "languages": dict(sorted(search_index.items()))},
    }
    with open(path_in(output_path), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


def read(output_path):
    """The manifest, or None when the output has none."""
    try:
        with open(path_in(output_path), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def forget(pelican):
    """initialized: a build that has only started is not one that `invoke deploy` may upload."""
    remove(pelican.output_path)


def finish(pelican, assets, search_index):
    """finalized, last: in a production build (BUILD_MANIFEST), the manifest, unless Pelican
    logged an error while writing or the build made no search index."""
    from .report import logged_errors  # here, not above: deploy.py loads this file on its own, without Pelican

    settings = pelican.settings
    if not settings.get("BUILD_MANIFEST"):
        return
    if logged_errors():
        logger.error("No build manifest: Pelican logged errors while writing the site; deploy will refuse it")
    elif search_index is None:
        logger.error("No build manifest: a production build needs its search index (SEARCH_INDEX)")
    else:
        write(pelican.output_path, settings["SITEURL"], assets, search_index)
