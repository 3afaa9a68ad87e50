"""The I WELCOME site's plugin: validate the content, then prepare what the templates show.

This module only wires the plugin into Pelican's signals; the logic lives in the modules named
after what they do (validation, articles, countries, ...), as plain functions over plain data.
"""

import functools
import gc
import hashlib
import json
import logging
import os
import time
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.utils import slugify

from . import build_manifest, fingerprint, preview, reading, report, validation
from .actions import KIND_LABELS, as_of, check_actions, check_references, in_language, share_links
from .articles import article_facts
from .countries import CountriesGenerator, Country, group_by_country
from .i18n import load_strings, template_globals
from .lint import lint_html, lint_warnings
from .get_involved import ActionsGenerator, inline_markers, place_actions, today_in
from .related import Config as RelatedConfig
from .related import Doc, check_pins, more_on, related_updates
from .search_page import SearchPagesGenerator
from .settings import setting
from .sitemap import Sitemap

logger = logging.getLogger(__name__)
_pelican_errors = report.ErrorCollector()
_sitemap = Sitemap()


def register():
    signals.initialized.connect(watch_pelican_errors)
    signals.initialized.connect(separate_cache_per_version)
    signals.initialized.connect(add_template_globals)
    signals.initialized.connect(forget_build_manifest)
    signals.readers_init.connect(reading.use_editor_reader)
    signals.article_generator_context.connect(reading.keep_incomplete_article)
    signals.page_generator_context.connect(reading.keep_incomplete_page)
    signals.article_generator_pretaxonomy.connect(preview.show_drafts_in_preview)
    signals.page_generator_finalized.connect(preview.show_draft_pages_in_preview)
    signals.get_generators.connect(add_generators)
    signals.all_generators_finalized.connect(check_then_prepare)
    signals.all_generators_finalized.connect(_sitemap.start)
    signals.content_written.connect(_sitemap.written)
    signals.finalized.connect(finish_build)  # sitemap, then fingerprints, then the build manifest


def forget_build_manifest(pelican):
    """A build that has only started is not one that `invoke deploy` may upload (build_manifest.py)."""
    build_manifest.remove(pelican.output_path)


def finish_build(pelican):
    """The end of a build, in this order: sitemap.xml and robots.txt; in a production build the
    theme's files renamed after their content (fingerprint.py), which rewrites the references in
    every text file written so far; last, the build manifest, if nothing logged an error."""
    gc.unfreeze()  # what check_then_prepare froze
    _sitemap.finish(pelican)
    settings = pelican.settings
    assets = {}
    if setting(settings, "FINGERPRINT_ASSETS"):
        assets = fingerprint.fingerprint_output(pelican.output_path, settings["THEME_STATIC_DIR"])
        logger.info("iwelcome plugin: %d theme files fingerprinted", len(assets))
    if setting(settings, "BUILD_MANIFEST"):
        if _pelican_errors.messages:
            logger.error("No build manifest: Pelican logged errors while writing the site; deploy will refuse it")
            return
        build_manifest.write(pelican.output_path, settings["SITEURL"], assets)


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
    strings = load_strings(pelican.settings["THEME"])
    pelican.settings["JINJA_GLOBALS"].update(template_globals(strings, pelican.settings["DEFAULT_LANG"]))


def watch_pelican_errors(pelican):
    logger = logging.getLogger("pelican")
    if _pelican_errors not in logger.handlers:
        logger.addHandler(_pelican_errors)
        logger.addFilter(report.HideContentErrorTraceback())
    _pelican_errors.messages.clear()


def add_generators(pelican):
    return [CountriesGenerator, ActionsGenerator, SearchPagesGenerator]


def check_then_prepare(generators):
    """Runs once all content is read and before anything is written: validate, then prepare."""
    started = time.perf_counter()
    articles_gen = next(g for g in generators if isinstance(g, ArticlesGenerator))
    pages_gen = next(g for g in generators if isinstance(g, PagesGenerator))
    actions_gen = next(g for g in generators if isinstance(g, ActionsGenerator))
    settings, context = articles_gen.settings, articles_gen.context
    file_exists = static_file_check(settings)

    all_articles = [
        *articles_gen.articles, *articles_gen.translations,
        *articles_gen.drafts, *articles_gen.drafts_translations,
        *articles_gen.hidden_articles, *articles_gen.hidden_translations,
    ]
    all_pages = [
        *pages_gen.pages, *pages_gen.translations,
        *pages_gen.hidden_pages, *pages_gen.hidden_translations,
        *pages_gen.draft_pages, *pages_gen.draft_translations,
    ]
    remember_urls([*all_articles, *all_pages])
    items = [as_item(a, "article", settings) for a in all_articles] + [as_item(p, "page", settings) for p in all_pages]
    problems = validation.validate(
        items,
        content_types=setting(settings, "CONTENT_TYPES"),
        case_statuses=setting(settings, "CASE_STATUSES"),
        reserved_urls=reserved_urls(settings),
        file_exists=file_exists,
        slugify=slug_maker(settings),
    )
    actions, action_translations, action_problems = actions_gen.parse(file_exists)
    problems += action_problems + check_actions(actions)
    slugs = actions_gen_slugs(actions_gen)
    article_slugs = {a.slug for a in all_articles}
    for item, content in zip(items, all_articles + all_pages):
        named = validation.split_list(item.meta.get("actions"))
        inline, stray = inline_markers(content)
        problems += check_references(item.path, named, inline, slugs, stray)
        problems += check_pins(item.path, validation.split_list(item.meta.get("related")), article_slugs)
    site_has = site_paths(settings, all_articles + all_pages, slugs)
    for item, content in zip(items, all_articles + all_pages):
        problems += lint_html(item.path, content._update_content(content._content, ""), settings["SITEURL"], site_has)
    pelican_errors = list(_pelican_errors.messages)
    _pelican_errors.messages.clear()
    problems = sorted(set(problems), key=lambda p: (p.path, p.field, p.message))
    root = os.path.dirname(settings["PATH"])
    if setting(settings, "CHECK_ONLY"):
        warnings = content_warnings(items, all_articles + all_pages, settings)
        report.finish_check([*problems, *pelican_errors], warnings, root)
    if problems or pelican_errors:
        report.stop_build([*problems, *pelican_errors], root=root)

    # What was read (content, settings, templates) lives until the build ends. Out of the cyclic
    # garbage collector's sight, it is not scanned again and again while the plugin prepares and
    # Pelican writes: about a tenth of a 5,000-article build. finish_build gives it back, so that
    # repeated builds in one process (`pelican --autoreload`) do not keep it.
    gc.freeze()
    prepare_articles(all_articles, settings)
    validated = time.perf_counter()
    default_lang = settings["DEFAULT_LANG"]
    langs = sorted({default_lang, *action_translations, *(c.lang for c in all_articles + all_pages)})
    # The languages readers get (what is written at a public address: in a preview, drafts too):
    # each has its own Get Involved page and search page. A language that has only drafts or
    # embargoed items gets neither until one of them is published.
    public = [
        *articles_gen.articles, *articles_gen.translations, *articles_gen.hidden_articles, *articles_gen.hidden_translations,
        *pages_gen.pages, *pages_gen.translations, *pages_gen.hidden_pages, *pages_gen.hidden_translations,
    ]
    site_langs = sorted({default_lang, *(c.lang for c in public)})
    actions = as_of(actions, today_in(settings))
    actions_by_lang = {
        lang: {a.slug: a for a in in_language(actions, action_translations.get(lang, {}))} for lang in langs
    }
    homes = {p.lang: p.url for p in all_pages if p.template == "home" and p.status == "published"}
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
    inline = actions_gen.get_template("_action_inline")
    place_actions(
        all_articles, actions_by_lang, settings,
        render_inline=lambda action, article: inline.render(
            {**context, "action": action, "placement": "inline", "article": article}
        ),
    )
    acted = time.perf_counter()
    place_related(articles_gen, settings)
    timings = {"validation": validated - started, "actions": acted - validated, "related": time.perf_counter() - acted}
    logger.info("iwelcome plugin: " + ", ".join(f"{part} {seconds:.3f} s" for part, seconds in timings.items()))
    if setting(settings, "PLUGIN_TIMINGS_FILE"):
        with open(setting(settings, "PLUGIN_TIMINGS_FILE"), "w", encoding="utf-8") as f:
            json.dump(timings, f)


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
    slug = slug_maker(settings)
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


def slug_maker(settings):
    """Pelican's slugify, remembered: a site has few topics and countries but uses them often."""
    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    return functools.lru_cache(maxsize=None)(lambda text: slugify(text, regex_subs=subs))


def site_paths(settings, contents, action_slugs):
    """exists(path): whether the site has that page or file ('updates/x/', 'images/a.jpg')."""
    known = {""}
    for content in contents:
        known.add(content.url)
    for static in settings["STATIC_PATHS"]:
        folder = os.path.join(settings["PATH"], static)
        for dirpath, _dirs, files in os.walk(folder):
            known.update(os.path.relpath(os.path.join(dirpath, f), settings["PATH"]).replace(os.sep, "/") for f in files)
    types = setting(settings, "CONTENT_TYPES")
    known.update(settings["CATEGORY_URL"].format(slug=folder) for folder in types)
    for key in ("TAGS_URL", "COUNTRIES_URL", "ARCHIVES_URL", "SEARCH_URL"):
        known.add(settings.get(key, ""))
    known.add(setting(settings, "GET_INVOLVED_URL"))
    known.update(setting(settings, "ACTION_URL").format(slug=slug) for slug in action_slugs)
    slug = slug_maker(settings)
    tags = {t.name for c in contents for t in getattr(c, "tags", [])}
    countries = {name for c in contents for name in validation.split_list(c.metadata.get("countries"))}
    known.update(settings["TAG_URL"].format(slug=slug(name)) for name in tags)
    known.update(settings["COUNTRY_URL"].format(slug=slug(name)) for name in countries)

    def exists(path):
        return path in known or path.removesuffix("index.html") in known or path + "/" in known

    return exists


def content_warnings(items, contents, settings):
    """What `invoke check` lists apart: worth fixing, not worth stopping the site for."""
    today = today_in(settings)
    limits = {"IMAGE_MAX_KB": setting(settings, "IMAGE_MAX_KB"), "SUMMARY_MAX_CHARS": setting(settings, "SUMMARY_MAX_CHARS")}
    types = setting(settings, "CONTENT_TYPES")

    def image_size(path):
        full = os.path.join(settings["PATH"], path)
        return os.path.getsize(full) if os.path.isfile(full) else None

    warnings = []
    for item, content in zip(items, contents):
        kind = types.get(item.folder, {}).get("type", "page") if item.kind == "article" else "page"
        warnings += lint_warnings(item.path, kind, item.meta, content._content, today, image_size, limits)
    return sorted(set(warnings), key=lambda p: (p.path, p.field, p.message))


def actions_gen_slugs(actions_gen):
    """Slugs of every action file, even one with problems: naming it is not a second problem."""
    return {item.slug for _path, item in actions_gen.action_files}


def static_file_check(settings):
    """file_exists(path under content/) for a file that the build also copies to the site."""
    static = [p.strip("/") + "/" for p in settings["STATIC_PATHS"]]

    def file_exists(path):
        copied = any(path.startswith(prefix) for prefix in static)
        return copied and os.path.isfile(os.path.join(settings["PATH"], path))

    return file_exists


def as_item(content, kind, settings):
    relative = content.relative_source_path.replace(os.sep, "/")
    return validation.Item(
        path=f"{os.path.basename(settings['PATH'])}/{relative}",  # content/updates/x.md
        kind=kind,
        folder=relative.split("/")[0] if "/" in relative else "",
        slug=content.slug,
        url=content.save_as,
        meta=content.metadata,
    )


def reserved_urls(settings):
    """Output paths the site itself writes, which no article or page may take."""
    reserved = {
        settings["CATEGORY_SAVE_AS"].format(slug=folder): f"the {kind['plural'].lower()} listing"
        for folder, kind in setting(settings, "CONTENT_TYPES").items()
    }
    for key, what in [
        ("TAGS_SAVE_AS", "the list of topics"),
        ("COUNTRIES_SAVE_AS", "the list of countries"),
        ("ARCHIVES_SAVE_AS", "the archives"),
    ]:
        if settings.get(key):
            reserved[settings[key]] = what
    reserved[setting(settings, "GET_INVOLVED_SAVE_AS")] = "the Get Involved page"
    return reserved


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
