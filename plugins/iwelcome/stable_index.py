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

The files are gzip("pagefind_dcd" + CBOR). The CBOR they use is small (integers, text, arrays),
so a few lines below read and write it; `encode(decode(x)) == x` holds for every file
Pagefind writes (tests/test_search.py checks it), so a file is only ever rewritten in order.
"""

import gzip
import hashlib
import json
import struct
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
FILTERS_IN_META = 3  # pf_meta: [version, pages, index chunks, filters, sorts, meta fields]


class UnknownFormat(ValueError):
    """A file is not in the format this module knows (a newer Pagefind?)."""


# --- CBOR, the part Pagefind uses ------------------------------------------------------------

def decode(data):
    value, end = _decode(data, 0)
    if end != len(data):
        raise UnknownFormat(f"{len(data) - end} bytes left after the CBOR value")
    return value


def _decode(data, at):
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        number = info
    elif 24 <= info <= 27:
        size = 1 << (info - 24)
        number = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise UnknownFormat(f"CBOR additional information {info}")
    if major == 0:
        return number, at
    if major == 1:
        return -1 - number, at
    if major == 3:
        return data[at:at + number].decode("utf-8"), at + number
    if major == 4:
        items = []
        for _ in range(number):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise UnknownFormat(f"CBOR major type {major}")


def encode(value):
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise UnknownFormat(f"cannot encode {type(value).__name__}")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    return _head(4, len(value)) + b"".join(encode(item) for item in value)


def _head(major, number):
    if number < 24:
        return bytes([major << 5 | number])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if number < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, number)
    raise UnknownFormat(f"number too large: {number}")


# --- Pagefind's files ------------------------------------------------------------------------

def read_chunk(path):
    data = gzip.decompress(Path(path).read_bytes())
    if not data.startswith(SIGNATURE):
        raise UnknownFormat(f"{path} does not start with {SIGNATURE!r}")
    return decode(data[len(SIGNATURE):])


def chunk_bytes(value):
    # mtime=0: the gzip header carries no time, so the same value gives the same bytes.
    return gzip.compress(SIGNATURE + encode(value), compresslevel=9, mtime=0)


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
