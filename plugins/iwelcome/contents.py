"""The site's content as Pelican read it, for every stage: the generators by kind, every item
whatever its status, the public ones, and the languages readers get."""

from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator


def generators_by_kind(generators):
    """(articles, pages, actions, static) generators of a build."""
    from .get_involved import ActionsGenerator  # the actions stage's own generator

    def first(kind):
        return next(g for g in generators if isinstance(g, kind))

    return first(ArticlesGenerator), first(PagesGenerator), first(ActionsGenerator), first(StaticGenerator)


def all_contents(articles_gen, pages_gen):
    """Every article and page read, whatever its status: (articles, pages)."""
    articles = [
        *articles_gen.articles, *articles_gen.translations,
        *articles_gen.drafts, *articles_gen.drafts_translations,
        *articles_gen.hidden_articles, *articles_gen.hidden_translations,
    ]
    pages = [
        *pages_gen.pages, *pages_gen.translations,
        *pages_gen.hidden_pages, *pages_gen.hidden_translations,
        *pages_gen.draft_pages, *pages_gen.draft_translations,
    ]
    return articles, pages


def unpublished(articles_gen, pages_gen):
    """The items this build does not publish (drafts and embargoed items; in a preview, none)."""
    return [*articles_gen.drafts, *articles_gen.drafts_translations, *pages_gen.draft_pages, *pages_gen.draft_translations]


def public_languages(articles_gen, pages_gen, default_lang):
    """The languages readers get (what is written at a public address: in a preview, drafts too)."""
    public = [
        *articles_gen.articles, *articles_gen.translations, *articles_gen.hidden_articles, *articles_gen.hidden_translations,
        *pages_gen.pages, *pages_gen.translations, *pages_gen.hidden_pages, *pages_gen.hidden_translations,
    ]
    return sorted({default_lang, *(c.lang for c in public)})


def remember_addresses(contents):
    """Pelican works out an item's url and save_as anew at every use (a listing, a sidebar, a
    link, the checks: about 20 times per article); once all content is read they are fixed, so
    keep them. An item whose address cannot be worked out (its metadata is broken) is left as it
    is: validation names the problem."""
    for content in contents:
        try:
            url, save_as = content.url, content.save_as
        except Exception:  # noqa: BLE001 - whatever Pelican raises, validation reports the cause
            continue
        content.override_url, content.override_save_as = url, save_as
