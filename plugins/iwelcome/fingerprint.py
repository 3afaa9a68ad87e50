"""Fingerprinted assets: the theme's files named after their content, so they can be cached for a year.

In a production build (the plugin's FINGERPRINT_ASSETS setting) every file of the theme's static
folder (`theme/`: css, js, img) gets a hash of its bytes in its name, `theme/css/site.css` ->
`theme/css/site.0123456789.css`. A file that changes gets a new name, so a reader's browser or
the CDN can keep the old one for a year (`Cache-Control: immutable`) and never show a page with
stale styles.

The names are known before anything is written (`prepare`: the plan, from the theme's own files),
and templates write them: `{{ SITEURL }}/{{ asset("theme/css/site.css") }}`. No page is rewritten
afterwards. At the end of the build (`finish`) the copied files take their names; a stylesheet or
script is written with its own references to other assets renamed (`url(../img/logo.png)`), and
its hash is taken on those rewritten bytes, so a new image gives the stylesheet that uses it a new
name too. The build fails if a page still names a theme file by its old name (a template that
does not go through `asset()`): that page would ask for a file that is no longer there.

`plan_names` and `rewrite` are plain functions; `prepare` and `finish` do the build's part.
"""

import hashlib
import logging
import os
import posixpath
import re

from jinja2 import pass_context

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


def theme_assets(settings):
    """{output path: bytes} of the theme's static files, as Pelican copies them
    (THEME/static/css/site.css -> theme/css/site.css)."""
    assets = {}
    for static in settings.get("THEME_STATIC_PATHS", ["static"]):
        source = os.path.join(settings["THEME"], static)
        for folder, _dirs, files in os.walk(source):
            for name in files:
                full = os.path.join(folder, name)
                relative = _relative(full, source)
                with open(full, "rb") as f:
                    assets[posixpath.join(settings["THEME_STATIC_DIR"].strip("/"), relative)] = f.read()
    return assets


def prepare(generators):
    """all_generators_finalized: the theme files' names, which templates write through `asset()`
    (context: ASSETS, {path: fingerprinted path}; empty when FINGERPRINT_ASSETS is off)."""
    settings, context = generators[0].settings, generators[0].context
    context["ASSETS"] = plan_names(theme_assets(settings)) if setting(settings, "FINGERPRINT_ASSETS") else {}


@pass_context
def asset(context, path):
    """The template function `asset("theme/css/site.css")`: the file's path as this build names it."""
    return (context.get("ASSETS") or {}).get(path, path)


def add_template_globals(pelican):
    """initialized: `asset()` for the templates."""
    pelican.settings["JINJA_GLOBALS"]["asset"] = asset


def finish(pelican):
    """finalized, in a production build (FINGERPRINT_ASSETS): give the theme's files their names;
    return {original path: fingerprinted path} for the build manifest ({} when off)."""
    if not setting(pelican.settings, "FINGERPRINT_ASSETS"):
        return {}
    renames = fingerprint_output(pelican.output_path, pelican.settings["THEME_STATIC_DIR"])
    logger.info("iwelcome plugin: %d theme files fingerprinted", len(renames))
    return renames


def fingerprint_output(output_path, static_dir):
    """Rename every file under output_path/static_dir after its content (stylesheets and scripts
    with their references to other assets renamed); return {old path: new path}. Stops the build
    if a built file names one of them by its old name."""
    assets = {}
    for folder, _dirs, files in os.walk(os.path.join(output_path, static_dir)):
        for name in files:
            full = os.path.join(folder, name)
            with open(full, "rb") as f:
                assets[_relative(full, output_path)] = f.read()
    renames = plan_names(assets)
    if not renames:
        return renames
    problems = old_names_in_pages(output_path, renames, skip=set(assets))
    if problems:
        raise FingerprintError(
            "A built file names a theme file by its name before fingerprinting, which will not be there "
            "(write it as {{ SITEURL }}/{{ asset('theme/...') }}): " + "; ".join(problems)
        )
    for old, new in sorted(renames.items()):
        if old.endswith(REFERRING_SUFFIXES):
            text = rewrite(assets[old].decode("utf-8"), renames, old)[0]
            with open(os.path.join(output_path, new), "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.remove(os.path.join(output_path, old))
        else:
            os.replace(os.path.join(output_path, old), os.path.join(output_path, new))
    return renames


def old_names_in_pages(output_path, renames, skip=()):
    """['page names theme/x'] for every built text file (but `skip`) that names a renamed asset."""
    pattern = reference_pattern(renames)
    problems = []
    for folder, _dirs, files in os.walk(output_path):
        for name in files:
            full = os.path.join(folder, name)
            relative = _relative(full, output_path)
            if not name.endswith(TEXT_SUFFIXES) or relative in skip:
                continue
            with open(full, encoding="utf-8", newline="") as f:
                found = sorted(set(pattern.findall(f.read())))
            problems += [f"{relative} names {path}" for path in found]
    return problems


def _relative(full, root):
    return os.path.relpath(full, root).replace(os.sep, "/")
