"""Confinement: the build reads and publishes only regular files inside the content and theme
folders, and only files of the kinds each folder is for.

A commit is not a shell, but it can hold a symbolic link (`content/downloads/env ->
/proc/self/environ` would publish the build's environment, deploy keys included), a path that
climbs out (`Image: ../../pelicanconf.py`, `{static}../../.git/config`), or a file a browser would
run as a page (`downloads/x.html`, an SVG with a script). Each of these is an error naming the
path; a file the build would silently ignore (`updates/notes.txt`) is a warning in `invoke check`.

`scan()` walks a folder without following links, before Pelican reads anything; `refusal()` is
the reader's own check of one file; the rest are pure functions over paths and bytes.
"""

import os
import posixpath
import re
import stat
from dataclasses import dataclass, field

# The first bytes of the kinds of file whose type a browser could be fooled about.
SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
}
KIND_NAMES = {
    ".png": "PNG image",
    ".jpg": "JPEG image",
    ".jpeg": "JPEG image",
    ".gif": "GIF image",
    ".webp": "WebP image",
    ".pdf": "PDF",
}


@dataclass
class Scan:
    """What a walk of a folder found: problems (path under the folder, message), warnings, and
    the linked folders Pelican must not walk into."""

    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    linked_dirs: list = field(default_factory=list)


def scan(root, read_folders=(), read_extensions=(), static_folders=(), static_extensions=()):
    """Walk `root` (not following links): links, special files, files of a kind a folder does
    not publish, and files the build would ignore.

    read_folders: folders whose files Pelican reads (content types, pages, actions; "" for all
    the others); static_folders: folders copied as they are. Paths are relative, with '/'.
    """
    found = Scan()
    for dirpath, relative_dir, files, linked in folders(root):
        for name in linked:
            path = posixpath.join(relative_dir, name)
            found.problems.append((path, link_message(os.path.join(dirpath, name), folder=True)))
            found.linked_dirs.append(path)
        for name in sorted(files):
            if name.startswith("."):
                continue  # .gitkeep, .DS_Store: never read, never published (IGNORE_FILES)
            full = os.path.join(dirpath, name)
            path = posixpath.join(relative_dir, name)
            if os.path.islink(full):
                found.problems.append((path, link_message(full)))
                continue
            mode = os.lstat(full).st_mode
            if not stat.S_ISREG(mode):
                found.problems.append((path, "is not a regular file (a pipe, device or socket); remove it"))
                continue
            top = path.split("/", 1)[0] if "/" in path else ""
            extension = posixpath.splitext(name)[1].lower()
            if top in static_folders:
                problem = static_file_problem(path, extension, static_extensions, _head(full))
                if problem:
                    found.problems.append((path, problem))
            elif read_folders and (top in read_folders or "" in read_folders) and extension not in read_extensions:
                kinds = ", ".join(read_extensions)
                found.warnings.append(
                    (
                        path,
                        f"the build ignores this file (it reads only {kinds} files here); "
                        "rename it or move it out of the content folder",
                    )
                )
    return found


def folders(root):
    """(folder, its path under `root` with '/', its files, its linked folders' names) of each
    folder under `root` and `root` itself, in a fixed order, without following links or walking
    into a hidden or a linked folder."""
    if not os.path.isdir(root):
        return
    for dirpath, dirs, files in os.walk(root, followlinks=False):
        relative_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        relative_dir = "" if relative_dir == "." else relative_dir
        linked = [name for name in sorted(dirs) if os.path.islink(os.path.join(dirpath, name))]
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in linked)
        yield dirpath, relative_dir, files, linked


def linked_folders(root):
    """The linked folders under `root` (paths with '/'), as `scan` finds them, without looking at
    any file."""
    return [posixpath.join(relative, name) for _folder, relative, _files, linked in folders(root) for name in linked]


def link_message(full, folder=False):
    what = "a link to a folder" if folder else "a symbolic link"
    try:
        target = os.readlink(full)
    except OSError:
        target = "?"
    return (
        f"is {what} (to {target}); the site publishes only files that are really inside the content "
        "folder: copy the file itself here, or remove the link"
    )


def _head(full, size=16):
    try:
        with open(full, "rb") as f:
            return f.read(size)
    except OSError:
        return b""


def static_file_problem(path, extension, allowed, head):
    """Why a file in a folder copied as it is (images/, downloads/) may not be published, or None."""
    if extension not in allowed:
        shown = extension or "files without an extension"
        return (
            f"{shown} files are not published from {path.split('/')[0]}/ (a browser could run them as a page); "
            f"use one of {', '.join(sorted(allowed))}, or ask a developer to add the kind to STATIC_EXTENSIONS"
        )
    signatures = SIGNATURES.get(extension)
    if signatures and not head.startswith(signatures):
        return (
            f"is not a {KIND_NAMES[extension]}, whatever its name says; export it again as "
            f"{KIND_NAMES[extension]} or give it the name of what it is"
        )
    if extension == ".webp" and head[8:12] != b"WEBP":
        return "is not a WebP image, whatever its name says; export it again as WebP"
    return None


def refusal(source_path, root):
    """Why the reader must not read this file (a link, or a path that leaves the content folder),
    or None."""
    real_root = os.path.realpath(root)
    absolute = os.path.abspath(source_path)
    relative = os.path.relpath(absolute, os.path.abspath(root))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return "is outside the content folder; the site reads only files inside it"
    current = os.path.abspath(root)
    for part in relative.split(os.sep):
        current = os.path.join(current, part)
        if os.path.islink(current):
            return link_message(current, folder=current != absolute)
    if os.path.realpath(absolute) != os.path.join(real_root, relative):
        return "is outside the content folder; the site reads only files inside it"
    if not os.path.isfile(absolute):
        return "is not a regular file; remove it"
    return None


# Characters no page, feed or sitemap may hold (XML 1.0 refuses most of them), and which come into
# a file only by accident: control characters but tab and line ends, and U+FFFE, U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def control_characters(text):
    """[(line, field or '', character)] for each line of a file's text holding a control character;
    `field` is the field of a header line ('' for the text after the first blank line)."""
    found, in_body = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            in_body = True
        match = _CONTROL.search(line)
        if match:
            field = "" if in_body or ":" not in line else line.split(":", 1)[0].strip()
            found.append((number, field, match.group()))
    return found


def utf8_problem(data):
    """None for UTF-8 text, else (line of the first byte that is not, message)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return line, "not UTF-8 text: save it as UTF-8 (in most editors: Save As, then the encoding UTF-8)"
    return None


def resolve(target, relative_dir=""):
    """Where a path an editor wrote points, as a path under the content folder ('images/a.jpg'),
    or None when it leaves the folder. Leading '/' means from the content folder; otherwise it is
    relative to the item's own folder."""
    target = target.strip()
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(relative_dir, target)
    normal = posixpath.normpath(joined) if joined else ""
    if normal in ("", ".") or normal == ".." or normal.startswith("../") or posixpath.isabs(normal):
        return None
    return normal


def in_folders(path, folders):
    """Whether a path under the content folder is inside one of `folders` ('images', 'downloads')."""
    return any(path.startswith(folder.strip("/") + "/") for folder in folders)


def confine_static_links(generator):
    """page_generator_finalized, before Pelican lists the static files: Pelican copies any file an
    item links with {static} or {attach}, wherever it is (`{static}../../.git/config`). Only links
    into the folders copied as they are (STATIC_PATHS) stay; lint.py reports the others."""
    folders = [p.strip("/") for p in generator.settings["STATIC_PATHS"]]
    links = generator.context.get("static_links", set())
    kept = set()
    for path in links:
        where = resolve(path.replace(os.sep, "/"))
        if where is not None and in_folders(where, folders):
            kept.add(path)
    links.intersection_update(kept)


def static_file_check(settings):
    """file_exists(path under content/) for a file that the build also copies to the site."""
    static = [p.strip("/") + "/" for p in settings["STATIC_PATHS"]]

    def file_exists(path):
        copied = any(path.startswith(prefix) for prefix in static)
        full = os.path.join(settings["PATH"], path)
        return copied and os.path.isfile(full) and not os.path.islink(full)

    return file_exists


def static_files(settings):
    """The files the build copies as they are, as paths under content/ ('images/a.jpg'), sorted:
    what a path an editor wrote can be matched to. Hidden files and links are never copied."""
    found = []
    for folder in settings["STATIC_PATHS"]:
        root = os.path.join(settings["PATH"], folder.strip("/"))
        for dirpath, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                full = os.path.join(dirpath, name)
                if not name.startswith(".") and not os.path.islink(full):
                    found.append(os.path.relpath(full, settings["PATH"]).replace(os.sep, "/"))
    return tuple(sorted(found))


def exclude_linked_folders(pelican):
    """initialized: Pelican follows links to folders when it looks for files; a linked folder in
    the content is never walked (check_site reports it)."""
    settings = pelican.settings
    linked = linked_folders(settings["PATH"])
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
        settings[key] = [*settings.get(key, []), *(path for path in linked if path not in settings.get(key, []))]
