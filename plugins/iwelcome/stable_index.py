"""The same site gives the same search index, byte for byte.

Pagefind 1.5.2 writes the values inside each filter file, and the list of filters in each
language's pagefind.<lang>_<hash>.pf_meta, in hash-map order, which changes from run to run
(Pagefind issue #638); and since those files are named by a hash of their bytes, so do their
names and the hash in pagefind-entry.json. Everything else (fragments, word index, scripts,
WASM) is already the same on every run. Without this step every deploy would upload a new
filter file, pf_meta and pagefind-entry.json, and delete the old ones, even when nothing changed.

`make_stable(bundle)` puts them in a fixed order: the values of each filter file sorted by
value, the filters of each pf_meta sorted by name. The page numbers, and so what a search
finds, do not change. Each rewritten file is renamed after a hash of its new bytes, in
Pagefind's own pattern (`<lang>_<7 hex>.pf_filter`, `pagefind.<lang>_<10 hex>.pf_meta`), and
pagefind-entry.json is written again with its languages in order.

The files are gzip("pagefind_dcd" + CBOR), read and written with cbor2; `dumps(loads(x)) == x`
holds for every file Pagefind writes (tests/test_search.py checks it), so a file is only ever
rewritten in order.
"""

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
FILTERS_IN_META = 3  # pf_meta: [version, pages, index chunks, filters, sorts, meta fields]


class UnknownFormat(ValueError):
    """A file is not in the format this module knows (a newer Pagefind?)."""


# --- Pagefind's files ------------------------------------------------------------------------


def read_chunk(path):
    data = gzip.decompress(Path(path).read_bytes())
    if not data.startswith(SIGNATURE):
        raise UnknownFormat(f"{path} does not start with {SIGNATURE!r}")
    try:
        return cbor2.loads(data[len(SIGNATURE) :])
    except cbor2.CBORDecodeError as error:
        raise UnknownFormat(f"{path}: {error}") from None


def chunk_bytes(value):
    # mtime=0: the gzip header carries no time, so the same value gives the same bytes.
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def short_hash(data, length):
    return hashlib.sha256(data).hexdigest()[:length]


def sorted_filter(value):
    """A filter file's value, [name, [[value, [page numbers]], ...]], with its values in order."""
    name, values = value
    return [name, sorted(values, key=lambda entry: entry[0])]


def make_stable(bundle):
    """Rewrite the filter files, pf_meta files and pagefind-entry.json of `bundle` in a fixed order."""
    bundle = Path(bundle)
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    languages = {}
    for lang, language in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = read_chunk(meta_path)
        filters = []
        for filter_name, old_hash in sorted(meta[FILTERS_IN_META], key=lambda f: f[0]):
            old_path = bundle / "filter" / f"{old_hash}.pf_filter"
            data = chunk_bytes(sorted_filter(read_chunk(old_path)))
            new_hash = f"{lang}_{short_hash(data, 7)}"
            old_path.unlink()
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(data)
            filters.append([filter_name, new_hash])
        meta[FILTERS_IN_META] = filters
        data = chunk_bytes(meta)
        new_hash = f"{lang}_{short_hash(data, 10)}"
        meta_path.unlink()
        (bundle / f"pagefind.{new_hash}.pf_meta").write_bytes(data)
        languages[lang] = {**language, "hash": new_hash}
    entry["languages"] = languages
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
