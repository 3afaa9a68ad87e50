"""Embargoes: nothing unpublished, nor its text, slug or address, reaches a published file.

Pelican already keeps drafts and future-dated items (embargoed: WITH_FUTURE_DATES = False) out of
listings, feeds and archives, and publishconf.py writes none of them. What it does not do:

- A translation follows its own Date: a Spanish file dated before its embargoed English original
  was published with the original's text. Here a translation is published no earlier than its
  original (`hold_back`, before Pelican builds topics and archives); a page
  with a future Date waits for it as an article does.
- A `{filename}` link from a published item to an unpublished one printed the unpublished item's
  address (`/drafts/press-releases/<slug>/`). Here such links are plain text until the target is
  published (`mark_hidden_links` here, `body.py` in pages, `hide_in_feeds` in feeds), and
  `invoke check` warns.
"""

import os
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from . import dates
from .body import hider
from .contents import all_contents, generators_by_kind, unpublished
from .lint import linked_paths
from .markup import body_parts as split_at_actions
from .markup import site_path_of, unlink
from .validation import Problem

HREF = re.compile(r"""<a\b[^>]*?\bhref=(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def hold_back(generator):
    """Articles (article_generator_pretaxonomy) and pages (page_generator_finalized): a translation
    whose original is not published becomes a draft too, and so does a page with a future Date."""
    default = generator.settings["DEFAULT_LANG"]
    if hasattr(generator, "articles"):
        groups = [
            ("articles", "translations", "drafts_translations"),
            ("hidden_articles", "hidden_translations", "drafts_translations"),
        ]
        published = {a.slug for a in [*generator.articles, *generator.hidden_articles] if a.lang == default}
    else:
        groups = [
            ("pages", "translations", "draft_translations"),
            ("hidden_pages", "hidden_translations", "draft_translations"),
        ]
        published = {p.slug for p in [*generator.pages, *generator.hidden_pages] if p.lang == default}
    if not hasattr(generator, "articles"):
        # Pelican embargoes future-dated articles only: a page with a future Date waits too.
        now = datetime.now(UTC)
        for name in ("pages", "translations", "hidden_pages", "hidden_translations"):
            items = getattr(generator, name)
            future = [p for p in items if getattr(p, "date", None) is not None and p.date > now]
            for page in future:
                page.status = "draft"
                (generator.draft_pages if page.lang == default else generator.draft_translations).append(page)
            items[:] = [p for p in items if p not in future]
        published = {p.slug for p in [*generator.pages, *generator.hidden_pages] if p.lang == default}
    for originals, translations, drafts in groups:
        for name in (originals, translations):
            items = getattr(generator, name)
            held = [item for item in items if item.lang != default and item.slug not in published]
            for item in held:
                item.status = "draft"
                getattr(generator, drafts).append(item)
            items[:] = [item for item in items if item not in held]
        for item in getattr(generator, originals):  # what a published original lists as its versions
            if hasattr(item, "translations"):
                item.translations = [t for t in item.translations if t.status != "draft"]


def prepare(generators):
    """all_generators_finalized, after the checks: what body.py and the feeds need to make links
    to unpublished items plain text (context: HIDDEN_PATHS, their addresses; LINKS_HIDDEN and
    LINKS_HIDDEN_URLS, the items that link to one), and the files only unpublished items use
    (or actions not open yet) taken out of the static files Pelican copies."""
    from .actions import as_of

    articles_gen, pages_gen, actions_gen, static_gen = generators_by_kind(generators)
    settings, context = articles_gen.settings, articles_gen.context
    articles, pages = all_contents(articles_gen, pages_gen)
    waiting = unpublished(articles_gen, pages_gen)
    hidden = frozenset(c.url for c in waiting)
    public = [c for c in articles + pages if c not in waiting]
    linking = [c for c in public if hidden and hidden_links(c.get_content(""), "", hidden)]
    context["HIDDEN_PATHS"] = hidden
    context["LINKS_HIDDEN"] = frozenset(c.relative_source_path for c in linking)
    context["LINKS_HIDDEN_URLS"] = frozenset(f"{settings['SITEURL']}/{c.url}" for c in linking)
    dated = as_of(actions_gen.actions, dates.today_in(settings))
    held = files_held_back(
        static_gen.staticfiles,
        public,
        waiting,
        [a for a in dated if a.state != "scheduled"],
        [a for a in dated if a.state == "scheduled"],
    )
    static_gen.staticfiles[:] = [static for static in static_gen.staticfiles if static not in held]


def files_held_back(static_files, published, unpublished, actions, scheduled):
    """The files of images/ and downloads/ that only unpublished items use (an embargoed report's
    PDF, its photo; a download action not open yet): they are published with the first item that
    uses them, not before.

    published, unpublished: content objects; actions: the actions readers get, scheduled: those
    not open yet (their File:)."""
    if not unpublished and not scheduled:
        return []

    def used_by(contents):
        paths = set()
        for content in contents:
            paths |= linked_paths(content.get_content(""), "")
            image = content.metadata.get("image")
            if image:
                paths.add(str(image).strip().removeprefix("{static}").lstrip("/"))
        return paths

    wanted = used_by(published) | {a.file for a in actions if a.file}
    waiting = (used_by(unpublished) | {a.file for a in scheduled if a.file}) - wanted
    return [static for static in static_files if static.save_as.replace(os.sep, "/") in waiting]


def hidden_links(html, site_url, hidden_paths):
    """The hrefs in `html` that go to an unpublished item's address."""
    found = []
    for _quote, href in HREF.findall(html or ""):
        path = site_path_of(href, site_url)
        if path is not None and (path in hidden_paths or path.removesuffix("index.html") in hidden_paths):
            found.append(href)
    return found


def link_warnings(item_path, html, hidden_by_path, site_url):
    """Warnings for `invoke check`: each link to an unpublished item, and when it will show.
    hidden_by_path: {address: (its file, 'a draft' or 'embargoed until ...')}."""
    warnings = []
    for href in hidden_links(html, site_url, hidden_by_path):
        path = site_path_of(href, site_url)
        target, when = hidden_by_path.get(path) or hidden_by_path[path.removesuffix("index.html")]
        warnings.append(
            Problem(
                item_path,
                "Body",
                f"the link to {target} shows as plain text until that item is published ({when})",
                locate=target.rsplit("/", 1)[-1],
            )
        )
    return warnings


def status_words(content, settings, now=None):
    """'a draft' or 'embargoed until December 6, 2026 at 09:00 New York time (EST, UTC-05:00)'."""
    now = now or datetime.now(UTC)
    date = getattr(content, "date", None)
    if getattr(content, "metadata", {}).get("status") != "draft" and date is not None and date > now:
        return "embargoed until " + embargo_time(date, settings)
    return "a draft"


def embargo_time(moment, settings):
    tz_name = settings.get("TIMEZONE", "UTC")
    return dates.embargo_words(moment.astimezone(ZoneInfo(tz_name)), dates.zone_label(tz_name))


def hide_in_feeds(context, feed):
    """feed_generated: in each feed entry, links to unpublished items become plain text and the
    `[action: slug]` places are left out (a feed shows the text, not the boxes)."""
    links = context.get("LINKS_HIDDEN_URLS", ())
    is_hidden = hider(context.get("SITEURL", ""), context.get("HIDDEN_PATHS", frozenset()))
    for entry in feed.items:
        content = entry.get("content")
        if not content:
            continue
        if entry.get("link", "").split("?", 1)[0] in links:
            content = unlink(content, is_hidden)
        if "<action-slot" in content:
            content = "".join(chunk for chunk, _slug in split_at_actions(content))
        entry["content"] = content
