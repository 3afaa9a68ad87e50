"""Content lint: what validation of the metadata does not see, read from an item's HTML.

Errors stop the build like validation problems (an image without alt text, a link to one of
our own pages that does not exist, an image that is not there). Warnings only show in
`invoke check` (a large image, a draft whose date has passed, a summary longer than share cards
show): each says something is wrong with the file, never what is true of a normal, finished file.
Pure functions over plain data.
"""

import html
import posixpath
import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from . import confinement
from .markup import text_of
from .suggestions import closest_file, did_you_mean
from .validation import Problem

IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HREF = re.compile(r"""<a\b[^>]*?\bhref=(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
ATTR = re.compile(r"""\b(src|alt)=(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def site_path(target, site_url):
    """'/updates/x/' (or SITEURL + that) -> 'updates/x/'; None for other sites and anchors."""
    if site_url and target.startswith(site_url + "/"):
        target = target[len(site_url) :]
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return unquote(parts.path).lstrip("/")


def is_relative(link):
    """Whether a link is a path from the page's own folder ('../images/a.jpg', 'b.md'): no scheme,
    no host, not from the site's root, not a {filename} or {static} link, not only an #anchor."""
    parts = urlsplit(link)
    return bool(parts.path) and not (parts.scheme or parts.netloc or link.startswith(("/", "{")))


def working_form(link, relative_dir, sources, static_files):
    """What to write for a relative path that works in GitHub's preview (which reads it from the
    file's folder) but not on the site: '{static}/images/a.jpg' for a file the site copies,
    '{filename}/updates/b.md' for a content file; the file it most likely means when the path names
    none; None when nothing is close. sources, static_files: paths under content/."""
    base = re.split(r"[?#]", link, maxsplit=1)[0]
    rest = link[len(base) :]
    where = confinement.resolve(unquote(base), relative_dir)
    found = (
        where if where in static_files or where in sources else closest_file(where or base, [*static_files, *sources])
    )
    if found is None:
        return None
    return ("{static}/" if found in static_files else "{filename}/") + found + (rest if found in sources else "")


def lint_html(
    path,
    text,
    site_url,
    exists,
    relative_dir="",
    static_folders=("images", "downloads"),
    page_dir="",
    sources=(),
    static_files=(),
):
    """Errors in an item's HTML, links already resolved by Pelican (what is left as `{filename}` or
    `{static}` was not found). exists('updates/x/' or 'images/a.jpg') -> bool for our own site;
    relative_dir: the item's folder under content/, which its relative links start from in GitHub's
    preview; page_dir: its page's folder on the site ('updates/x/'), which they start from there;
    sources, static_files: the content's Markdown files and the files the site copies, under content/."""
    problems = []
    if "TODO" in (text or "") and re.search(
        r"\bTODO\b", re.sub(r"<(pre|code)\b.*?</\1>", "", text, flags=re.DOTALL | re.IGNORECASE)
    ):
        problems.append(
            Problem(path, "Body", "the text still holds a TODO hint; replace it with the real text", locate="TODO")
        )
    for tag in IMG.findall(text or ""):
        attrs = {name.lower(): html.unescape(value) for name, _quote, value in ATTR.findall(tag)}  # as written
        src = attrs.get("src", "")
        alt = attrs.get("alt", "").strip()
        target = site_path(src, site_url)
        named, shown = (
            (target, f"{{static}}/{target}") if target in static_files else (src, src)
        )  # as EDITING.md teaches
        if is_relative(src):
            fix = working_form(src, relative_dir, sources, static_files)
            if fix is not None and fix.startswith("{static}"):
                message = (
                    f"the image {src} would not show on the site, which does not read paths from the file's folder; "
                    f"write ![{alt or 'what the image shows'}]({fix})"
                )
            else:
                message = (
                    f"the image {src} is not a file of the content folder; put it in content/images/ "
                    f"and write ![{alt or 'what the image shows'}]({{static}}/images/its-name.jpg)"
                )
            problems.append(Problem(path, "Body", message, locate=src))
            continue
        if not alt:
            problems.append(
                Problem(
                    path,
                    "Body",
                    f"the image {named} has no alt text; write ![what the image shows]({shown})",
                    locate=target or src,
                )
            )
        if "{static}" in src or "{filename}" in src:
            problems.append(unresolved(path, src, relative_dir, static_folders))
        elif target is not None and not exists(target):
            problems.append(
                Problem(
                    path,
                    "Body",
                    f"the image {src} is not in the content folder; add it to content/images/ or fix the path"
                    + did_you_mean(target, static_files),
                    locate=target,
                )
            )
    for _quote, escaped in HREF.findall(text or ""):
        href = html.unescape(escaped)  # as the editor wrote it: & for &amp;
        if "{filename}" in href or "{static}" in href or "{attach}" in href:
            problems.append(unresolved(path, href, relative_dir, static_folders))
            continue
        if is_relative(href):
            on_site = posixpath.normpath(posixpath.join(page_dir, unquote(urlsplit(href).path)))
            if exists(on_site) or exists(on_site + "/"):
                continue  # a relative address of the site, such as ../other-update/
            fix = working_form(href, relative_dir, sources, static_files)
            message = (
                f"the link {href} would lead nowhere on the site, which does not read paths from the file's folder; "
                f"in its place write {fix}"
                if fix
                else f"the link {href} leads nowhere on the site; link to a file of the content with "
                "{filename} (such as {filename}/updates/its-name.md) or write the full https:// address"
            )
            problems.append(Problem(path, "Body", message, locate=href))
            continue
        target = site_path(href, site_url)
        if target is not None and not exists(target):
            problems.append(
                Problem(
                    path,
                    "Body",
                    f"the link {href} goes to a page this site does not have; fix it or link with {{filename}}",
                    locate=href,
                )
            )
    return problems


def unresolved(path, link, relative_dir, static_folders):
    """Why Pelican could not resolve a {filename}, {static} or {attach} link, and what to write."""
    kind, _, target = link.partition("}")
    where = confinement.resolve(unquote(target.split("#")[0].split("?")[0]), relative_dir)
    folders = " or ".join(f"content/{f}/" for f in static_folders)
    if where is None:
        message = f"the link {link} leaves the content folder; link to a file inside it"
    elif kind != "{filename" and not confinement.in_folders(where, static_folders):
        message = (
            f"the link {link} names content/{where}, which is not in {folders}; {{static}} links go to files there"
        )
    elif kind == "{filename":
        message = f"the link {link} points to content/{where}, which is not a file of the site; fix the path"
    else:
        message = f"the link {link} points to content/{where}, which is not there; add the file or fix the path"
    return Problem(path, "Body", message, locate=link.split("}", 1)[-1] or link)


def lint_warnings(path, meta, html, today, image_size, settings):
    """Warnings: worth fixing, not worth stopping the site for.

    image_size(path under the site) -> bytes or None; settings: IMAGE_MAX_KB, SUMMARY_MAX_CHARS.
    """
    warnings = []
    summary = text_of(str(meta.get("summary", ""))).strip()
    if len(summary) > settings["SUMMARY_MAX_CHARS"]:
        warnings.append(
            Problem(
                path,
                "Summary",
                f"{len(summary)} characters; share cards show about {settings['SUMMARY_MAX_CHARS']}, so shorten it",
            )
        )
    date = meta.get("date")
    if str(meta.get("status", "")).strip() == "draft" and isinstance(date, datetime) and date.date() <= today:
        warnings.append(
            Problem(
                path,
                "Status",
                f"still a draft, though its date ({date:%Y-%m-%d}) has passed; remove 'Status: draft' to publish it",
            )
        )
    limit = settings["IMAGE_MAX_KB"] * 1024
    for source in [meta.get("image")] + [image_source(tag) for tag in IMG.findall(html or "")]:
        target = site_path("/" + str(source).lstrip("/"), "") if source else None
        size = image_size(target) if target else None
        if size and size > limit:
            warnings.append(
                Problem(
                    path,
                    "Image",
                    f"{target} is {size // 1024} KB; "
                    f"keep images under {settings['IMAGE_MAX_KB']} KB for readers on slow networks",
                )
            )
    return warnings


def linked_paths(html, site_url):
    """The paths on this site that an item's HTML links to or shows ('downloads/a.pdf', 'updates/x/')."""
    targets = [href for _quote, href in HREF.findall(html or "")] + [
        image_source(tag) for tag in IMG.findall(html or "")
    ]
    return {path for path in (site_path(t, site_url) for t in targets) if path is not None}


def image_source(tag):
    return {name.lower(): value for name, _q, value in ATTR.findall(tag)}.get("src", "")
