"""The check stage: once Pelican has read everything and before it writes anything, every
problem in the content, at once. Errors stop the build (report.py); `invoke check` lists the
warnings too.

What is checked, and where each rule lives:
- each file's fields, addresses and languages, and slugs across files: validation.py;
- calls to action and what articles say of them: actions.py, through the ActionsGenerator;
- links, images and hints in the text: lint.py;
- links, special files and file kinds in the content and theme folders: confinement.py;
- one owner per output path: ownership.py, over the claims listed here (`output_claims`);
- links to unpublished items (warnings): embargo.py.
"""

import math
import os
import posixpath

from . import confinement, contract, embargo, i18n, ownership, parallel_checks, report, timings, validation
from .actions import OUTCOMES, as_of, check_actions, check_references, followup_warnings, targeting_warnings
from .archives import GRANULARITIES
from .contents import (
    all_contents,
    generators_by_kind,
    public_languages,
    remember_addresses,
    save_as,
    unpublished,
    url,
)
from .countries import Country
from .dates import today_in
from .get_involved import inline_markers
from .lint import lint_html, lint_warnings
from .reading import EditorMarkdownReader
from .related import check_pins
from .settings import setting
from .terms import english_names
from .topics import key_maker, names_of

SITE_FILES = {  # files and folders the build writes beside the content's pages
    "sitemap.xml": "the sitemap",
    "robots.txt": "robots.txt",
    ".build-manifest.json": "the build manifest",
    "pagefind/": "the search index",
}


def choices_for(settings):
    """{name: values} of the lists a one-of field names in the contract (contract.py)."""
    return {
        "CASE_STATUSES": setting(settings, "CASE_STATUSES"),
        "ACTION_KINDS": list(setting(settings, "ACTION_KINDS")),
        "OUTCOMES": list(OUTCOMES),
    }


def rules_for(settings):
    file_exists = confinement.static_file_check(settings)
    languages = tuple(dict.fromkeys([settings["DEFAULT_LANG"], *setting(settings, "LANGUAGES")]))
    terms_folder = os.path.join(settings["THEME"], "translations")
    key = key_maker(settings)
    return validation.Rules(
        content_types=contract.content_types(setting(settings, "CONTENT_TYPES")),
        choices=choices_for(settings),
        file_exists=file_exists,
        slugify=key,
        languages=languages,
        page_templates=tuple(setting(settings, "PAGE_TEMPLATES")),
        static_folders=tuple(p.strip("/") for p in settings["STATIC_PATHS"]),
        static_files=confinement.static_files(settings),
        translated_names=english_names(i18n.load_terms(terms_folder), key),
        language_names={lang: i18n.language_name_in_english(lang) for lang in languages},
        terms_path=f"{os.path.basename(os.path.normpath(settings['THEME']))}/translations/{i18n.TERMS}",
    )


def check(generators):
    """all_generators_finalized, first: every problem of the content, before anything is written.
    Errors stop the build (one line each, nothing written); `invoke check` prints the warnings
    too and stops here. With many articles and pages, they are checked in a helper while the
    preparing runs, which ends with the verdict (parallel_checks.py)."""
    articles_gen, pages_gen, actions_gen, static_gen = generators_by_kind(generators)
    articles, pages = all_contents(articles_gen, pages_gen)
    remember_addresses(articles + pages)
    collected = report.collected_errors()
    settings = articles_gen.settings

    def run():
        with timings.part("validation"):
            return check_site(articles_gen, pages_gen, actions_gen, static_gen, collected)

    def verdict(result):
        stop_or_finish_check(*result, settings)

    if parallel_checks.wanted(settings, len(articles) + len(pages)):
        parallel_checks.start(run, verdict)  # beside the preparing, which waits for the verdict
    else:
        verdict(run())


def check_site(articles_gen, pages_gen, actions_gen, static_gen, collected_errors):
    """(errors, warnings): every problem in the content, each a validation.Problem (or a line
    Pelican logged as an error while reading)."""
    settings = articles_gen.settings
    rules = rules_for(settings)
    articles, pages = all_contents(articles_gen, pages_gen)
    contents = articles + pages
    items = [as_item(a, "article", settings) for a in articles] + [as_item(p, "page", settings) for p in pages]
    problems = validation.validate(items, rules)

    actions = actions_gen.actions
    problems += actions_gen.problems + check_actions(actions)
    action_slugs = actions_gen.slugs()
    article_slugs = {a.slug for a in articles}
    for item, content in zip(items, contents, strict=True):
        inline, stray = inline_markers(content.metadata)
        problems += check_references(
            item.path, validation.split_list(item.meta.get("actions")), inline, action_slugs, stray
        )
        problems += check_pins(item.path, validation.split_list(item.meta.get("related")), article_slugs)

    lint_text = text_linter(settings, rules, contents, action_slugs)
    for item, content in zip(items, contents, strict=True):
        if content.metadata.get("_refused"):
            continue
        problems += lint_text(item, content)

    scans = folder_scans(settings)
    for root_name, scan in scans:
        problems += [validation.Problem(f"{root_name}/{path}", "", message) for path, message in scan.problems]

    reported = {p.path for p in problems if p.field in ("Slug", "Lang", "Save_as", "Url")}
    claims = output_claims(settings, articles_gen, pages_gen, actions, static_gen, reported, rules)
    problems += clash_problems(ownership.clashes(claims))

    warnings = []
    if setting(settings, "CHECK_ONLY"):
        warnings = content_warnings(items, contents, settings)
        warnings += [
            validation.Problem(f"{root_name}/{path}", "", message)
            for root_name, scan in scans
            for path, message in scan.warnings
        ]
        warnings += unpublished_reference_warnings(items, contents, articles_gen, pages_gen, actions, settings)
        warnings += followup_warnings(as_of(actions, today_in(settings)))
        warnings += targeting_warnings(
            actions,
            {name for item in items if item.kind == "article" for name in names_of(item.meta, "tags")},
            {name for item in items if item.kind == "article" for name in names_of(item.meta, "countries")},
            key_maker(settings),
        )
        warnings += i18n.translation_problems(settings, items)  # catalogues and the terms table
    return validation.sort_problems(problems) + list(collected_errors), validation.sort_problems(warnings)


def text_linter(settings, rules, contents, action_slugs):
    """lint(item, content): the errors in the text of one item (validation.Item, and the content
    object whose text is read) among `contents`, the site's articles and pages: links to pages and
    files the site does not have, and the like (lint.lint_html). The build checks every item with
    it; the preview's quick write (edited_page.py) checks an edited text with it."""
    site_has = site_paths(settings, contents, action_slugs)
    sources = {content.relative_source_path.replace(os.sep, "/") for content in contents}

    def lint(item, content):
        return lint_html(
            item.path,
            content.get_content(""),
            settings["SITEURL"],
            site_has,
            posixpath.dirname(content.relative_source_path.replace(os.sep, "/")),
            rules.static_folders,
            page_dir=posixpath.dirname(item.url),
            sources=sources,
            static_files=rules.static_files,
        )

    return lint


def folder_scans(settings):
    """[(folder as the editor sees it, confinement.Scan)] for the content and theme folders."""
    content_root = os.path.basename(settings["PATH"])
    static_folders = tuple(p.strip("/") for p in settings["STATIC_PATHS"])
    read_extensions = tuple(f".{e}" for e in EditorMarkdownReader.file_extensions)
    content = confinement.scan(
        settings["PATH"],
        read_folders=("",),
        read_extensions=read_extensions,
        static_folders=static_folders,
        static_extensions=setting(settings, "STATIC_EXTENSIONS"),
    )
    theme = confinement.scan(settings["THEME"])
    return [(content_root, content), (os.path.basename(os.path.normpath(settings["THEME"])), theme)]


def clash_problems(clashes):
    problems = []
    for first, second in clashes:
        for claim, other in ((second, first), (first, second)):
            if not claim.source:
                continue
            fix = (
                "rename the file"
                if claim.field == "File"
                else f"change its '{claim.field}:' line"
                if claim.field != "Slug"
                else "rename the file or add a 'Slug:' line"
            )
            problems.append(
                validation.Problem(
                    claim.source,
                    "" if claim.field == "File" else claim.field,
                    f"{ownership.describe(ownership.normal(claim.path))} would also be written by {other.owner}; {fix}",
                )
            )
    return problems


def output_claims(settings, articles_gen, pages_gen, actions, static_gen, reported, rules):
    """Every path the build will write, and who writes it: the site's own pages first, then the
    static files, then the content, so that the content file is the one told to move."""
    claims = []

    def claim(path, owner, source="", field="Slug"):
        if path:
            claims.append(ownership.Claim(path, owner, source, field))

    default_lang = settings["DEFAULT_LANG"]
    for name, owner in SITE_FILES.items():
        claim(name, owner)
    claim(settings["THEME_STATIC_DIR"].strip("/") + "/", "the theme's files")
    for template in settings["DIRECT_TEMPLATES"]:
        claim(settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html"), f"the {template} page")
    types = rules.content_types
    for category, listed in articles_gen.categories:
        label = types[category.slug].plural if category.slug in types else category.name
        listing_claims(claim, category.save_as, len(listed), settings, "category", f"the {label} listing")
    for tag, listed in sorted(articles_gen.tags.items(), key=lambda pair: pair[0].name):
        if tag.slug:
            listing_claims(claim, tag.save_as, len(listed), settings, "tag", f"the topic page '{tag.name}'")
    countries = {}
    for article in articles_gen.articles:
        for name in validation.split_list(article.metadata.get("countries")):
            countries.setdefault(name, []).append(article)
    for name, listed in sorted(countries.items()):
        country = Country(name, settings)
        if country.slug:
            listing_claims(claim, country.save_as, len(listed), settings, "country", f"the country page '{name}'")
    claim(settings.get("COUNTRIES_SAVE_AS", ""), "the list of countries")
    for granularity in GRANULARITIES:  # the period archives, grouped by Pelican or by archives.py
        for archive in sorted(articles_gen.period_archives.get(granularity, ()), key=lambda a: a["period_num"]):
            stamp = "-".join(f"{number:02}" for number in archive["period_num"])
            claim(archive["save_as"], f"the archives of {stamp}")
    for feed, owner in feed_claims(settings, articles_gen):
        claim(feed, owner)
    langs = public_languages(articles_gen, pages_gen, default_lang)
    for lang in langs:
        key = "GET_INVOLVED_SAVE_AS" if lang == default_lang else "GET_INVOLVED_LANG_SAVE_AS"
        claim(setting(settings, key).format(lang=lang), f"the Get Involved page ({lang})")
        if lang != default_lang:
            claim(setting(settings, "SEARCH_LANG_URL").format(lang=lang) + "index.html", f"the search page ({lang})")
    if actions:
        claim(setting(settings, "ACTIONS_JSON_SAVE_AS"), "the list of actions for partner sites")
    preview = setting(settings, "PREVIEW")
    today = today_in(settings)
    for action in actions:
        if preview or not (
            action.starts and action.starts > today and action.kind != "event" and action.outcome == "live"
        ):
            claim(
                setting(settings, "ACTION_SAVE_AS").format(slug=action.slug),
                f"the page of the action in {action.path}",
                action.path,
                "Slug",
            )
    root = os.path.basename(settings["PATH"])
    for static in static_gen.staticfiles:
        source = f"{root}/{static.relative_source_path.replace(os.sep, '/')}"
        claim(static.save_as, source, source, "File")
    articles, pages = all_contents(articles_gen, pages_gen)
    for content in articles + pages:
        source = f"{root}/{content.relative_source_path.replace(os.sep, '/')}"
        if source in reported:
            continue
        field = "Save_as" if content.metadata.get("save_as") is not None else "Slug"
        claim(save_as(content), source, source, field)
    return claims


def listing_claims(claim, save_as, count, settings, template, owner):
    """A listing's first page and each further page Pelican will write for `count` items."""
    claim(save_as, owner)
    per_page = (settings.get("PAGINATED_TEMPLATES") or {}).get(template) or settings.get("DEFAULT_PAGINATION")
    if not per_page or template not in (settings.get("PAGINATED_TEMPLATES") or {}):
        return
    pages = max(1, math.ceil(max(1, count - settings.get("DEFAULT_ORPHANS", 0)) / per_page))
    folder, name = posixpath.split(save_as)
    base_name = folder if name in ("index.htm", "index.html") else save_as
    base, extension = posixpath.splitext(save_as)
    for number in range(2, pages + 1):
        rules = [p for p in settings["PAGINATION_PATTERNS"] if 0 < p[0] <= number]
        if rules:
            pattern = rules[-1][2]
            claim(
                pattern.format(
                    save_as=save_as, name=base, base_name=base_name, extension=extension, number=number, url=""
                ),
                f"{owner}, page {number}",
            )


def feed_claims(settings, articles_gen):
    """[(path, owner)] of the feeds Pelican writes (generate_feeds)."""
    feeds = []
    for key in ("FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS"):
        if settings.get(key):
            feeds.append((settings[key], f"the feed {settings[key]}"))
    for key in ("CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS"):
        for category, _listed in articles_gen.categories if settings.get(key) else []:
            feeds.append((settings[key].format(slug=category.slug), f"the feed of {category.name}"))
    for key in ("TAG_FEED_ATOM", "TAG_FEED_RSS"):
        for tag in articles_gen.tags if settings.get(key) else []:
            if tag.slug:
                feeds.append((settings[key].format(slug=tag.slug), f"the feed of the topic '{tag.name}'"))
    for key in ("TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS"):
        for lang in sorted({t.lang for t in articles_gen.translations}) if settings.get(key) else []:
            feeds.append((settings[key].format(lang=lang), f"the feed in '{lang}'"))
    return feeds


def unpublished_reference_warnings(items, contents, articles_gen, pages_gen, actions, settings):
    """Warnings: links and `Related:` pins to items this build does not publish."""
    hidden = {}
    root = os.path.basename(settings["PATH"])
    waiting = unpublished(articles_gen, pages_gen)
    for content in waiting:
        hidden[content.url] = (
            f"{root}/{content.relative_source_path.replace(os.sep, '/')}",
            embargo.status_words(content, settings),
        )
    warnings = []
    published = {c.slug for c in articles_gen.articles}
    opens = {a.slug: a.starts for a in as_of(actions, today_in(settings)) if a.state == "scheduled"}
    for item, content in zip(items, contents, strict=True):
        if content in waiting or content.metadata.get("_refused"):
            continue
        warnings += embargo.link_warnings(item.path, content.get_content(""), hidden, settings["SITEURL"])
        for slug in validation.split_list(item.meta.get("related")):
            if slug.lower() != "none" and slug not in published and any(c.slug == slug for c in articles_gen.drafts):
                warnings.append(
                    validation.Problem(
                        item.path, "Related", f"'{slug}' is not published yet, so it is left out until it is"
                    )
                )
        named = validation.split_list(item.meta.get("actions"))
        inline = inline_markers(content.metadata)[0]
        for field, slugs in (("Actions", named), ("Body", inline)):
            for slug in dict.fromkeys(s for s in slugs if s in opens):
                day = opens[slug]
                warnings.append(
                    validation.Problem(
                        item.path,
                        field,
                        f"the action '{slug}' opens on {day:%B} {day.day}, {day.year}; until then it is not shown",
                        locate=f"[action: {slug}" if field == "Body" else "",
                    )
                )
    return warnings


def content_warnings(items, contents, settings):
    """What `invoke check` lists apart: worth fixing, not worth stopping the site for."""
    today = today_in(settings)
    limits = {
        "IMAGE_MAX_KB": setting(settings, "IMAGE_MAX_KB"),
        "SUMMARY_MAX_CHARS": setting(settings, "SUMMARY_MAX_CHARS"),
    }

    def image_size(path):
        full = os.path.join(settings["PATH"], path)
        return os.path.getsize(full) if os.path.isfile(full) else None

    warnings = validation.spelling_warnings(items, rules_for(settings))
    for item, content in zip(items, contents, strict=True):
        warnings += lint_warnings(item.path, item.meta, content.get_content(""), today, image_size, limits)
    return warnings


def stop_or_finish_check(errors, warnings, settings):
    """Stop the build on errors (nothing written); in `invoke check`, print everything and exit."""
    root = os.path.dirname(settings["PATH"])
    if setting(settings, "CHECK_ONLY"):
        report.finish_check(errors, warnings, root)
    if errors:
        report.stop_build(errors, root=root)


def site_paths(settings, contents, action_slugs):
    """exists(path): whether the site has that page or file ('updates/x/', 'images/a.jpg')."""
    known = {""}
    for content in contents:
        known.add(url(content))  # as remembered: Pelican works it out anew at each use
    for static in settings["STATIC_PATHS"]:
        folder = os.path.join(settings["PATH"], static)
        for dirpath, _dirs, files in os.walk(folder):
            known.update(
                os.path.relpath(os.path.join(dirpath, f), settings["PATH"]).replace(os.sep, "/") for f in files
            )
    types = setting(settings, "CONTENT_TYPES")
    known.update(settings["CATEGORY_URL"].format(slug=folder) for folder in types)
    for key in ("TAGS_URL", "COUNTRIES_URL", "ARCHIVES_URL", "SEARCH_URL"):
        known.add(settings.get(key, ""))
    known.add(setting(settings, "GET_INVOLVED_URL"))
    known.update(setting(settings, "ACTION_URL").format(slug=slug) for slug in action_slugs)
    slug = key_maker(settings)
    tags = {t.name for c in contents for t in getattr(c, "tags", [])}
    countries = {name for c in contents for name in validation.split_list(c.metadata.get("countries"))}
    known.update(settings["TAG_URL"].format(slug=slug(name)) for name in tags)
    known.update(setting(settings, "COUNTRY_URL").format(slug=slug(name)) for name in countries)

    def exists(path):
        return path in known or path.removesuffix("index.html") in known or path + "/" in known

    return exists


def as_item(content, kind, settings):
    relative = content.relative_source_path.replace(os.sep, "/")
    return validation.Item(
        path=f"{os.path.basename(settings['PATH'])}/{relative}",  # content/updates/x.md
        kind=kind,
        folder=relative.split("/")[0] if "/" in relative else "",
        slug=content.slug,
        url=save_as(content),
        meta=content.metadata,
        # A Lang the reader could not use (reading.py) still tells which language the editor meant.
        lang=str(
            content.metadata.get("_invalid", {}).get("lang", (content.metadata.get("lang", settings["DEFAULT_LANG"]),))[
                0
            ]
        ),
    )
