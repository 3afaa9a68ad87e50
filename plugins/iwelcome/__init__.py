"""The I WELCOME site's plugin: validate the content, then prepare what the templates show.

This module only wires the plugin into Pelican's signals; the logic lives in the modules named
after what they do (validation, articles, countries, ...), as plain functions over plain data.
"""

import gc
import hashlib
import json
import logging
import os
import time
from dataclasses import replace
from pathlib import Path

from pelican import signals

from . import build_manifest, checks, confinement, embargo, fingerprint, i18n, preview, reading, report, search
from .actions import KIND_LABELS, as_of, in_language, share_links
from .articles import article_facts
from .body import body_parts, hider
from .countries import CountriesGenerator, Country, group_by_country
from .get_involved import ActionsGenerator, place_actions, today_in
from .markup import unlink
from .related import Config as RelatedConfig
from .related import Doc, more_on, related_updates
from .search_page import SearchPagesGenerator
from .settings import apply_defaults, setting
from .sitemap import Sitemap

logger = logging.getLogger(__name__)
_pelican_errors = report.ErrorCollector()
_sitemap = Sitemap()


def register():
    signals.initialized.connect(apply_defaults)
    signals.initialized.connect(watch_pelican_errors)
    signals.initialized.connect(separate_cache_per_version)
    signals.initialized.connect(add_template_globals)
    signals.generator_init.connect(i18n.install)  # the interface in each page's language (gettext, Babel)
    signals.initialized.connect(build_manifest.forget)
    signals.initialized.connect(checks.exclude_linked_folders)
    signals.readers_init.connect(reading.use_editor_reader)
    signals.article_generator_context.connect(reading.keep_incomplete_article)
    signals.page_generator_context.connect(reading.keep_incomplete_page)
    # A translation is not published before its original; then a preview shows drafts in place.
    signals.article_generator_pretaxonomy.connect(embargo.hold_back)
    signals.article_generator_pretaxonomy.connect(preview.show_drafts_in_preview)
    signals.page_generator_finalized.connect(embargo.hold_back)
    signals.page_generator_finalized.connect(preview.show_draft_pages_in_preview)
    signals.page_generator_finalized.connect(confinement.confine_static_links)  # before static files are listed
    signals.get_generators.connect(add_generators)
    signals.all_generators_finalized.connect(check_then_prepare)
    signals.all_generators_finalized.connect(_sitemap.start)
    signals.content_written.connect(_sitemap.written)
    signals.feed_generated.connect(embargo.hide_in_feeds)
    signals.finalized.connect(finish_build)  # sitemap, then fingerprints, then the build manifest


def finish_build(pelican):
    """The end of a build, in this order: sitemap.xml and robots.txt; in a production build the
    theme's files renamed after their content (fingerprint.py), which rewrites the references in
    every text file written so far; the search index of the finished pages (search.py); last,
    the build manifest, if nothing logged an error."""
    gc.unfreeze()  # what check_then_prepare froze
    _sitemap.finish(pelican)
    settings = pelican.settings
    assets = {}
    if setting(settings, "FINGERPRINT_ASSETS"):
        assets = fingerprint.fingerprint_output(pelican.output_path, settings["THEME_STATIC_DIR"])
        logger.info("iwelcome plugin: %d theme files fingerprinted", len(assets))
    indexed = search.build_search_index(pelican.output_path) if setting(settings, "SEARCH_INDEX") else {}
    if setting(settings, "BUILD_MANIFEST"):
        if _pelican_errors.messages:
            logger.error("No build manifest: Pelican logged errors while writing the site; deploy will refuse it")
            return
        if not setting(settings, "SEARCH_INDEX"):
            logger.error("No build manifest: a production build needs its search index (SEARCH_INDEX)")
            return
        build_manifest.write(pelican.output_path, settings["SITEURL"], assets, indexed)


def separate_cache_per_version(pelican):
    """Pelican's content cache keeps what the readers made, and would keep it after this plugin's
    reader changes: each version of the plugin and of the reading settings gets a cache of its own."""
    settings = pelican.settings
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    for key in ("MARKDOWN", "TYPOGRIFY", "TYPOGRIFY_IN_READER", "TYPOGRIFY_IGNORE_TAGS", "TYPOGRIFY_DASHES",
                "TYPOGRIFY_OMIT_FILTERS", "FORMATTED_FIELDS", "TIMEZONE"):
        digest.update(repr(settings.get(key)).encode())
    settings["CACHE_PATH"] = os.path.join(settings["CACHE_PATH"], f"v-{digest.hexdigest()[:12]}")


def add_template_globals(pelican):
    pelican.settings["JINJA_GLOBALS"]["body_parts"] = body_parts


def watch_pelican_errors(pelican):
    logger = logging.getLogger("pelican")
    if _pelican_errors not in logger.handlers:
        logger.addHandler(_pelican_errors)
        logger.addFilter(report.HideContentErrorTraceback())
    _pelican_errors.messages.clear()


def add_generators(pelican):
    return [CountriesGenerator, ActionsGenerator, SearchPagesGenerator]


def check_then_prepare(generators):
    """Runs once all content is read and before anything is written: check, then prepare."""
    started = time.perf_counter()
    articles_gen, pages_gen, actions_gen, static_gen = checks.generators_by_kind(generators)
    settings, context = articles_gen.settings, articles_gen.context
    articles, pages = checks.all_contents(articles_gen, pages_gen)
    remember_urls(articles + pages)
    pelican_errors = list(_pelican_errors.messages)
    _pelican_errors.messages.clear()
    errors, warnings = checks.check_site(articles_gen, pages_gen, actions_gen, static_gen, pelican_errors)
    checks.stop_or_finish_check(errors, warnings, settings)

    # What was read (content, settings, templates) lives until the build ends. Out of the cyclic
    # garbage collector's sight, it is not scanned again and again while the plugin prepares and
    # Pelican writes: about a tenth of a 5,000-article build. finish_build gives it back, so that
    # repeated builds in one process (`pelican --autoreload`) do not keep it.
    gc.freeze()
    prepare_articles(articles, settings)
    validated = time.perf_counter()
    default_lang = settings["DEFAULT_LANG"]
    actions, action_translations, _problems = actions_gen.parse(checks.static_file_check(settings))
    langs = sorted({default_lang, *action_translations, *(c.lang for c in articles + pages)})
    site_langs = checks.public_languages(articles_gen, pages_gen, default_lang)
    hidden = hidden_addresses(articles_gen, pages_gen, articles + pages, settings, context)
    is_hidden = hider(settings["SITEURL"], hidden)
    dated = as_of(actions, today_in(settings), preview=setting(settings, "PREVIEW"))
    actions = [
        replace(a, pitch=unlink(a.pitch, is_hidden)) if hidden and embargo.hidden_links(a.pitch, settings["SITEURL"], hidden) else a
        for a in dated
        if a.state != "scheduled"  # appears nowhere public until it opens
    ]
    # A file only unpublished items use (an embargoed report's PDF) waits for them.
    held = embargo.files_held_back(static_gen.staticfiles, [c for c in articles + pages if c.url not in hidden],
                                   [c for c in articles + pages if c.url in hidden], actions,
                                   [a for a in dated if a.state == "scheduled"])
    static_gen.staticfiles[:] = [static for static in static_gen.staticfiles if static not in held]
    actions_by_lang = {
        lang: {a.slug: a for a in in_language(actions, action_translations.get(lang, {}))} for lang in langs
    }
    homes = {p.lang: p.url for p in pages if p.template == "home" and p.status == "published"}
    context.update({
        "CONTENT_TYPES": setting(settings, "CONTENT_TYPES"),
        "countries": group_by_country(articles_gen.articles, settings),
        "ACTIONS_BY_LANG": actions_by_lang,
        "HOME_ACTIONS": {
            lang: [a for a in sorted(in_lang.values(), key=lambda a: (-a.priority, a.slug)) if a.is_live]
            for lang, in_lang in actions_by_lang.items()
        },
        "HOME_URLS": homes,
        "GET_INVOLVED_URLS": {
            lang: setting(settings, "GET_INVOLVED_URL" if lang == default_lang else "GET_INVOLVED_LANG_URL").format(lang=lang)
            for lang in site_langs
        },
        "SEARCH_URLS": {
            lang: settings.get("SEARCH_URL", "search.html") if lang == default_lang else setting(settings, "SEARCH_LANG_URL").format(lang=lang)
            for lang in site_langs
        },
        "ACTION_UTM": setting(settings, "ACTION_UTM"),
        "ACTION_URL": setting(settings, "ACTION_URL"),
        "ACTION_KIND_LABELS": {kind: labels[0] for kind, labels in KIND_LABELS.items()},
        "ACTION_KIND_PLURALS": {kind: labels[1] for kind, labels in KIND_LABELS.items()},
        "share_links": share_links,
    })
    place_actions(articles, actions_by_lang, settings)
    acted = time.perf_counter()
    place_related(articles_gen, settings)
    timings = {"validation": validated - started, "actions": acted - validated, "related": time.perf_counter() - acted}
    logger.info("iwelcome plugin: " + ", ".join(f"{part} {seconds:.3f} s" for part, seconds in timings.items()))
    if setting(settings, "PLUGIN_TIMINGS_FILE"):
        with open(setting(settings, "PLUGIN_TIMINGS_FILE"), "w", encoding="utf-8") as f:
            json.dump(timings, f)


def hidden_addresses(articles_gen, pages_gen, contents, settings, context):
    """Put into the context what body.py and feeds need to make links to unpublished items plain
    text: their addresses, and which published items link to one."""
    unpublished = embargo.unpublished(articles_gen, pages_gen)
    hidden = frozenset(c.url for c in unpublished)
    linking = [c for c in contents if c not in unpublished and hidden and embargo.hidden_links(c.get_content(""), "", hidden)]
    context["HIDDEN_PATHS"] = hidden
    context["LINKS_HIDDEN"] = frozenset(c.relative_source_path for c in linking)
    context["LINKS_HIDDEN_URLS"] = frozenset(f"{settings['SITEURL']}/{c.url}" for c in linking)
    return hidden


def remember_urls(contents):
    """Pelican works out an item's url and save_as anew at every use (a listing, a sidebar, a
    link, the checks here: about 20 times per article); once all content is read they are fixed,
    so keep them. An item whose address cannot be worked out (its metadata is broken) is left as
    it is: validation names the problem."""
    for content in contents:
        try:
            url, save_as = content.url, content.save_as
        except Exception:  # noqa: BLE001 - whatever Pelican raises, validation reports the cause
            continue
        content.override_url, content.override_save_as = url, save_as


def place_related(articles_gen, settings):
    """Give every article its `related_updates` (Article objects), computed for all at once, and
    the context its `more_on_topic`: {topic slug: [Article]} for the topic pages."""
    config = RelatedConfig(
        weights=setting(settings, "RELATED_WEIGHTS"),
        half_life_days=setting(settings, "RELATED_HALF_LIFE_DAYS"),
        oldest_factor=setting(settings, "RELATED_OLDEST_FACTOR"),
        maximum=setting(settings, "RELATED_UPDATES_MAX"),
        max_share=setting(settings, "RELATED_MAX_SHARE"),
        min_dropped=setting(settings, "RELATED_MIN_DROPPED"),
        max_same_type=setting(settings, "RELATED_MAX_SAME_TYPE"),
    )
    articles = articles_gen.articles  # published, in the default language (and drafts in a preview)
    slug = checks.slug_maker(settings)
    docs = [
        Doc(
            slug=a.slug,
            type=a.type,
            day=a.date.toordinal(),
            keywords=tuple(("tags", slug(t.name)) for t in getattr(a, "tags", []))
            + tuple(("countries", slug(name)) for name in a.country_names),
            pinned=tuple(a.related_slugs),
        )
        for a in articles
    ]
    related = related_updates(docs, config)
    by_slug = {a.slug: a for a in articles}
    for article in articles:
        hidden = [s.lower() for s in article.related_slugs] == ["none"]
        article.related_updates = [] if hidden else [by_slug[s] for s in related[article.slug]]
    for translation in [*articles_gen.translations, *articles_gen.drafts, *articles_gen.drafts_translations]:
        original = by_slug.get(translation.slug)
        shown = original.related_updates if original else []
        translation.related_updates = [a for a in shown if a is not translation]
    # "More on <topic>" on a topic's page: what its articles' related lists point to outside it.
    members = {}
    for article in articles:
        for tag in getattr(article, "tags", []):
            members.setdefault(tag.slug, []).append(article.slug)
    order = {d.slug: i for i, d in enumerate(sorted(docs, key=lambda d: (-d.day, d.slug)))}
    articles_gen.context["more_on_topic"] = {
        topic: [by_slug[s] for s in slugs]
        for topic, slugs in more_on(related, members, order, config.maximum).items()
    }


def prepare_articles(articles, settings):
    content_types = setting(settings, "CONTENT_TYPES")
    case_statuses = setting(settings, "CASE_STATUSES")
    media_contact = setting(settings, "MEDIA_CONTACT")
    countries = {}  # one Country per name: its slug is worked out once
    for article in articles:
        folder = article.relative_source_path.replace(os.sep, "/").split("/")[0]
        facts = article_facts(folder, article.metadata, content_types, case_statuses, media_contact)
        for name in facts["country_names"]:
            if name not in countries:
                countries[name] = Country(name, settings)
        facts["countries"] = [countries[name] for name in facts["country_names"]]
        for name, value in facts.items():
            setattr(article, name, value)
