"""The build manifest: proof, in the output folder, that a production build finished.

`invoke deploy` uploads nothing unless the output holds this file with both parts:

- `siteurl` and `assets`, written by the plugin at the very end of a Pelican build (`finalized`)
  that had no errors. A build stopped by a content problem never gets there, and every build
  removes the file when it starts, so a failed or a non-production build never leaves one behind
  (a preview build over an old production output included).
- `search_index` (the number of pages indexed), added by plugins/iwelcome/search.py once the
  search index of that build is written. It is taken out when indexing starts, so an index that
  failed half way is never deployed.

The file is not part of the site: deploy never uploads it. Its name is also in deploy.py.
"""

import json
import os

NAME = ".build-manifest.json"


def path_in(output_path):
    return os.path.join(output_path, NAME)


def remove(output_path):
    try:
        os.remove(path_in(output_path))
    except FileNotFoundError:
        pass


def write(output_path, siteurl, assets):
    """The manifest of a finished Pelican build; `assets`: {original path: fingerprinted path}."""
    manifest = {"siteurl": siteurl, "assets": dict(sorted(assets.items()))}
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


def record_search_index(output_path, pages):
    """Add (or, with None, take out) the search index's page count, if the output has a manifest."""
    manifest = read(output_path)
    if manifest is None:
        return
    manifest.pop("search_index", None)
    if pages is not None:
        manifest["search_index"] = {"pages": pages}
    with open(path_in(output_path), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
