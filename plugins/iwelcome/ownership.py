"""One owner per output path: before anything is written, every path the build will write is
claimed once, and a second claim is an error naming both.

Without this, a file named `updates/🚸.md` (an empty slug) replaces the Updates listing,
`pages/search.md` replaces the search page, and two files with one `Slug:` lose a page in
silence. A claim is a file (`updates/index.html`) or a whole folder (`pagefind/`, `theme/`, a
listing's further pages `updates/page/`). Two claims clash when they are the same file, when a
file lies inside a claimed folder, or when one's file is a folder of the other's path
(`sitemap.xml` and `sitemap.xml/index.html`).

Pure functions over plain data: the plugin lists the claims (checks.py), this finds the clashes.
"""

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    path: str  # under the output folder, '/'-separated; a folder claim ends with '/'
    owner: str  # what a reader would call it: "content/updates/x.md", "the Updates listing"
    source: str = ""  # the content file behind it, if any (problems are reported there)
    field: str = "Slug"  # the field an editor changes to move it

    @property
    def is_folder(self):
        return self.path.endswith("/")


def normal(path):
    """'topics//index.html' -> 'topics/index.html'; folders keep their trailing '/'."""
    folder = path.endswith("/")
    cleaned = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
    cleaned = "" if cleaned == "." else cleaned
    return cleaned + "/" if folder and cleaned else cleaned


def clashes(claims):
    """[(first claim, second claim)] for every pair of claims that would write over each other,
    in the order the claims were made (the first claim keeps the path)."""
    files, folders, found = {}, {}, []
    for claim in claims:
        path = normal(claim.path)
        if not path:
            continue
        if claim.is_folder:
            if path in folders:
                found.append((folders[path], claim))
                continue
            folders[path] = claim
        elif path in files:
            found.append((files[path], claim))
            continue
        else:
            files[path] = claim
    for path, claim in files.items():
        parents = _parents(path)
        for parent in parents:
            if parent in files:
                found.append((files[parent], claim))  # a file where a folder must be
            if parent + "/" in folders and folders[parent + "/"].owner != claim.owner:
                found.append((folders[parent + "/"], claim))
    for path, claim in folders.items():
        for parent in _parents(path.rstrip("/")):
            if parent in files:
                found.append((files[parent], claim))
            if parent + "/" in folders and folders[parent + "/"].owner != claim.owner:
                found.append((folders[parent + "/"], claim))
        if path.rstrip("/") in files:
            found.append((files[path.rstrip("/")], claim))
    return found


def _parents(path):
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def describe(path):
    """How a reader would see the address: 'updates/index.html' -> '/updates/'."""
    return "/" + path.removesuffix("index.html")
