"""The I WELCOME site's plugin: check the content, then prepare what the templates show.

This module only wires the plugin's stages to Pelican's signals, in the order data flows:

    read (reading, embargo, preview, confinement) -> check (checks) -> prepare (articles,
    embargo, navigation, get_involved, countries, related) -> write (Pelican and the plugin's
    generators; body, embargo for feeds, sitemap) -> finish (sitemap, fingerprint, search,
    build_manifest)

Each stage lives in the module named after what it does, and owns the context keys it fills
(README.md, "How it fits together", lists them).
"""

from pelican import signals

from . import (
    archives,
    articles,
    body,
    build_manifest,
    checks,
    confinement,
    contents,
    countries,
    edited_page,
    embargo,
    fingerprint,
    fragments,
    garbage,
    get_involved,
    i18n,
    navigation,
    page_reads,
    parallel_checks,
    parallel_reading,
    parallel_rendering,
    preview,
    reading,
    related,
    render_cache,
    report,
    search,
    search_page,
    settings,
    sitemap,
    timings,
    topics,
)


def register():
    # A new build: settings, error watch, content cache, template functions, no manifest yet.
    signals.initialized.connect(settings.apply_defaults)
    signals.initialized.connect(timings.start)
    signals.initialized.connect(report.watch_pelican_errors)
    signals.initialized.connect(reading.separate_cache_per_version)
    signals.initialized.connect(body.add_template_globals)
    signals.initialized.connect(fingerprint.add_template_globals)
    signals.initialized.connect(contents.forget_addresses)
    signals.initialized.connect(contents.add_template_filters)
    signals.initialized.connect(build_manifest.forget)
    signals.initialized.connect(confinement.exclude_linked_folders)
    signals.initialized.connect(render_cache.forget)
    signals.initialized.connect(garbage.set_aside)  # the code and settings imported live to the end too
    signals.initialized.connect(parallel_reading.forget)
    signals.initialized.connect(parallel_checks.forget)
    signals.initialized.connect(edited_page.forget)
    signals.generator_init.connect(i18n.install)  # the interface in each page's language (gettext, Babel)
    signals.generator_init.connect(fragments.install)  # {% cache %}: parts shared by many pages, rendered once
    # Reading: only Markdown, only inside content/; a translation waits for its original, and a
    # preview shows drafts in place.
    signals.readers_init.connect(reading.use_editor_reader)
    signals.article_generator_init.connect(parallel_reading.articles)  # many files: read on every core
    signals.page_generator_init.connect(parallel_reading.pages)
    signals.article_generator_finalized.connect(parallel_reading.end)
    signals.article_generator_finalized.connect(archives.group)  # a year's articles, in one pass
    signals.page_generator_finalized.connect(parallel_reading.end)
    signals.article_generator_context.connect(reading.keep_incomplete_article)
    signals.page_generator_context.connect(reading.keep_incomplete_page)
    signals.article_generator_pretaxonomy.connect(topics.use_one_spelling)  # one topic, one spelling
    signals.article_generator_pretaxonomy.connect(embargo.hold_back)
    signals.article_generator_pretaxonomy.connect(preview.show_drafts_in_preview)
    signals.page_generator_finalized.connect(embargo.hold_back)
    signals.page_generator_finalized.connect(preview.show_draft_pages_in_preview)
    signals.page_generator_finalized.connect(confinement.confine_static_links)  # before static files are listed
    signals.get_generators.connect(add_generators)
    signals.get_writer.connect(render_cache.writer)  # pages rendered only when what they show changed
    # Everything is read: check (errors stop the build here), then prepare, in this order; with many
    # items the checks run in a helper meanwhile, and the preparing ends with their verdict.
    signals.all_generators_finalized.connect(garbage.set_aside)  # what was read lives to the end: no GC walks
    signals.all_generators_finalized.connect(checks.check)
    signals.all_generators_finalized.connect(page_reads.install)  # a page's render records what it read
    signals.all_generators_finalized.connect(edited_page.remember)  # a preview's quick write starts from here
    signals.all_generators_finalized.connect(prepare)  # a preview's edited pages rendered at its end
    signals.all_generators_finalized.connect(sitemap.start)
    signals.all_generators_finalized.connect(parallel_rendering.remember_generators)  # helpers render pages
    signals.all_generators_finalized.connect(edited_page.written_first)  # a preview: the edited pages first
    # Writing.
    signals.content_written.connect(sitemap.written)
    signals.feed_generated.connect(embargo.hide_in_feeds)
    signals.feed_generated.connect(navigation.say_feed_language)
    signals.feed_generated.connect(navigation.name_feed_author)
    # The end of the build.
    signals.finalized.connect(parallel_rendering.finish)  # the helpers have ended
    signals.finalized.connect(finish)
    signals.finalized.connect(timings.finish)


def add_generators(pelican):
    return [countries.CountriesGenerator, get_involved.ActionsGenerator, search_page.SearchPagesGenerator]


def prepare(generators):
    """What the templates show, stage by stage; then, in a preview build, the edited items' pages
    rendered (not written: `edited_page.written_first` writes them). The content is known to be
    good when it ends (the checks' verdict, if they ran in a helper meanwhile: parallel_checks.py)."""
    with parallel_checks.meanwhile():
        articles.prepare(generators)
        fingerprint.prepare(generators)
        embargo.prepare(generators)
        navigation.prepare(generators)
        with timings.part("actions"):
            get_involved.prepare(generators)
        countries.prepare(generators)
        with timings.part("related"):
            related.place(generators)
        edited_page.render_first(generators)  # while the checks end; what it logs waits for their verdict


def finish(pelican):
    """The end of a build, in this order: the files of the last build that this one did not write
    removed; sitemap.xml and robots.txt; in a production build the
    theme's files renamed after their content; the search index of the finished pages; the build
    manifest, which says that all of it is there; last, the render cache's keys kept."""
    render_cache.remove_leftovers(pelican)
    sitemap.finish(pelican)
    assets = fingerprint.finish(pelican)
    indexed = search.finish(pelican)
    build_manifest.finish(pelican, assets, indexed)
    render_cache.save(pelican)
