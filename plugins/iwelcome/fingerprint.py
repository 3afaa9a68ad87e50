"""Fingerprinted assets: the theme's files renamed after their content, so they can be cached for a year.

In a production build (the plugin's FINGERPRINT_ASSETS setting), at the end of the build every
file under the theme's static output folder (`theme/`: css, js, img) gets a hash of its bytes in
its name, `theme/css/site.css` -> `theme/css/site.0123456789.css`, and every reference to it in
the built text files (.html, .xml, .json, .css, .js, .txt) is rewritten to the new name. A file
that changes gets a new name, so a reader's browser or the CDN can keep the old one for a year
(`Cache-Control: immutable`) and never show a page with stale styles.

References are rewritten where they are written as URLs ending in the file's path after a `/`
(`https://site/theme/css/site.css`, `/theme/css/site.css`, `../theme/img/logo.png`), and where
a stylesheet refers to a file relative to itself (`url(../img/logo.png)`). A stylesheet's or
script's own hash is taken after its references are rewritten, so a new image gives the
stylesheet that uses it a new name too. The build fails if a file names an asset relative to the
page (`href="theme/css/site.css"`), which this cannot rewrite: that page would ask for a file that
is no longer there.

`plan_names` and `rewrite` are plain functions; `fingerprint_output` does the file work.
"""

import hashlib
import logging
import os
import posixpath
import re

from .report import BuildStopped
from .settings import setting

logger = logging.getLogger(__name__)

HASH_LENGTH = 10
TEXT_SUFFIXES = (".html", ".xml", ".json", ".css", ".js", ".txt")
REFERRING_SUFFIXES = (".css", ".js")  # assets that can name other assets
FINGERPRINTED = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}(\.[^./]+)?$")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
PATH_CHARS = r"\w./-"  # a path goes on while these follow: site.css is not site.css.map


class FingerprintError(BuildStopped):
    """A page names a theme file in a way that cannot be rewritten (the message says which)."""


def is_fingerprinted(path):
    return bool(FINGERPRINTED.search(path))


def fingerprinted_name(path, data):
    """'theme/css/site.css', its bytes -> 'theme/css/site.<first 10 hex of its SHA-256>.css'."""
    folder, name = posixpath.split(path)
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return posixpath.join(folder, f"{stem}.{digest}.{suffix}" if dot and stem else f"{name}.{digest}")


def reference_pattern(paths):
    """A regex that finds any of these site paths where no path character follows, longest first
    (no path matches inside a longer one). Their shared folder is written once, in front: the
    regex engine then skips quickly to where it appears."""
    paths = sorted(paths, key=len, reverse=True)
    common = os.path.commonprefix(paths)  # noqa: RUF071 - characters, cut back to a folder on the next line
    common = common[: common.rfind("/") + 1]
    alternatives = "|".join(re.escape(p[len(common) :]) for p in paths)
    return re.compile(rf"{re.escape(common)}(?:{alternatives})(?![{PATH_CHARS}])")


def css_target(url, css_path):
    """The site path a stylesheet's relative url(...) points at, or None for any other URL."""
    if "://" in url or url.startswith(("/", "data:", "#")):
        return None
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(css_path), path))


def references(text, paths, file_path):
    """The paths among `paths` that `text`, the built file `file_path`, names."""
    if not paths:
        return set()
    found = set(reference_pattern(paths).findall(text))
    if file_path.endswith(".css"):
        found |= {css_target(m.group(2), file_path) for m in CSS_URL.finditer(text)} & set(paths)
    return found


def rewrite(text, renames, file_path, pattern=None):
    """(`text` with every reference to a renamed asset renamed, [the assets it names relative to
    the page, which cannot be rewritten]) for the built file `file_path`."""
    if not renames:
        return text, []
    page_relative = []

    def renamed(match):
        before = text[match.start() - 1] if match.start() else ""
        if before == "/":  # https://site/theme/..., /theme/..., ../theme/...
            return renames[match.group(0)]
        if not re.match(rf"[{PATH_CHARS}]", before):  # href="theme/...": relative to the page
            page_relative.append(match.group(0))
        return match.group(0)  # else part of a longer name (xtheme/...): not a reference

    text = (pattern or reference_pattern(renames)).sub(renamed, text)
    if file_path.endswith(".css"):
        here = posixpath.dirname(file_path)

        def relative(match):
            quote, url = match.groups()
            target = css_target(url, file_path)
            if target not in renames:
                return match.group(0)
            rest = url[len(re.split(r"[?#]", url, maxsplit=1)[0]) :]  # a ?query or #fragment stays
            return f"url({quote}{posixpath.relpath(renames[target], here)}{rest}{quote})"

        text = CSS_URL.sub(relative, text)
    return text, page_relative


def plan_names(assets):
    """{path: new path} for every asset, from {path: bytes} (paths relative to the output).

    Files that name no other asset are hashed as they are; a stylesheet or script once the
    assets it names have their new names, on its rewritten bytes. (Files that name each other,
    which this site never does, are hashed on their bytes as they are.)
    """
    names = {}
    waiting = {}
    for path, data in sorted(assets.items()):
        if is_fingerprinted(path):
            continue  # already named after its content (a build into a folder that was not cleaned)
        if path.endswith(REFERRING_SUFFIXES):
            waiting[path] = data.decode("utf-8")
        else:
            names[path] = fingerprinted_name(path, data)
    while waiting:
        ready = {path: text for path, text in waiting.items() if not references(text, set(waiting) - {path}, path)}
        for path, text in sorted((ready or waiting).items()):
            names[path] = fingerprinted_name(path, rewrite(text, names, path)[0].encode("utf-8"))
            del waiting[path]
    return names


def fingerprint_output(output_path, static_dir):
    """Rename every file under output_path/static_dir after its content and rewrite the references
    to them in the built text files; return {old path: new path} (relative to output_path)."""
    assets = {}
    for folder, _dirs, files in os.walk(os.path.join(output_path, static_dir)):
        for name in files:
            full = os.path.join(folder, name)
            with open(full, "rb") as f:
                assets[_relative(full, output_path)] = f.read()
    renames = plan_names(assets)
    if not renames:
        return renames
    pattern = reference_pattern(renames)
    problems = []
    for folder, _dirs, files in os.walk(output_path):
        for name in files:
            if not name.endswith(TEXT_SUFFIXES):
                continue
            full = os.path.join(folder, name)
            relative = _relative(full, output_path)
            with open(full, encoding="utf-8", newline="") as f:
                text = f.read()
            new_text, page_relative = rewrite(text, renames, relative, pattern)
            problems += [f"{relative} names {path}" for path in page_relative]
            if new_text != text:
                with open(full, "w", encoding="utf-8", newline="") as f:
                    f.write(new_text)
    if problems:
        raise FingerprintError(
            "A built file names a theme file relative to the page, which fingerprinting cannot rewrite "
            "(write it as {{ SITEURL }}/theme/...): " + "; ".join(problems)
        )
    for old, new in sorted(renames.items()):
        os.replace(os.path.join(output_path, old), os.path.join(output_path, new))
    return renames


def _relative(full, root):
    return os.path.relpath(full, root).replace(os.sep, "/")


def finish(pelican):
    """finalized, in a production build (FINGERPRINT_ASSETS): rename the theme's files; return
    {original path: fingerprinted path} for the build manifest ({} when off)."""
    if not setting(pelican.settings, "FINGERPRINT_ASSETS"):
        return {}
    assets = fingerprint_output(pelican.output_path, pelican.settings["THEME_STATIC_DIR"])
    logger.info("iwelcome plugin: %d theme files fingerprinted", len(assets))
    return assets
