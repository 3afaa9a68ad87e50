"""The site's content as Pelican read it, for every stage: the generators by kind, every item
whatever its status, the public ones, and the languages readers get."""

from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator


def generators_by_kind(generators):
    """(articles, pages, actions, static) generators of a build. The actions stage's own generator
    says what it makes (`makes = "actions"`), so that this module needs none of that stage's."""

    def first(kind):
        return next(g for g in generators if isinstance(g, kind))

    actions = next(g for g in generators if getattr(g, "makes", None) == "actions")
    return first(ArticlesGenerator), first(PagesGenerator), actions, first(StaticGenerator)


def all_contents(articles_gen, pages_gen):
    """Every article and page read, whatever its status: (articles, pages); (articles, []) without
    the pages' generator (before pages are read)."""
    articles = [
        *articles_gen.articles,
        *articles_gen.translations,
        *articles_gen.drafts,
        *articles_gen.drafts_translations,
        *articles_gen.hidden_articles,
        *articles_gen.hidden_translations,
    ]
    if pages_gen is None:
        return articles, []
    pages = [
        *pages_gen.pages,
        *pages_gen.translations,
        *pages_gen.hidden_pages,
        *pages_gen.hidden_translations,
        *pages_gen.draft_pages,
        *pages_gen.draft_translations,
    ]
    return articles, pages


def unpublished(articles_gen, pages_gen):
    """The items this build does not publish (drafts and embargoed items; in a preview, none)."""
    return [
        *articles_gen.drafts,
        *articles_gen.drafts_translations,
        *pages_gen.draft_pages,
        *pages_gen.draft_translations,
    ]


def public_languages(articles_gen, pages_gen, default_lang):
    """The languages readers get (what is written at a public address: in a preview, drafts too)."""
    public = [
        *articles_gen.articles,
        *articles_gen.translations,
        *articles_gen.hidden_articles,
        *articles_gen.hidden_translations,
        *pages_gen.pages,
        *pages_gen.translations,
        *pages_gen.hidden_pages,
        *pages_gen.hidden_translations,
    ]
    return sorted({default_lang, *(c.lang for c in public)})


_addresses = {}  # id(item) -> (item, url, save_as): the items are kept, so an id is never another item's


def forget_addresses(pelican):
    """initialized: a new build (under --autoreload, in the same process) works them out again."""
    _addresses.clear()


def remember_addresses(contents):
    """Pelican works out an item's url anew at every use (a listing, a sidebar, a link: about 20
    times per article); once all content is read and its status settled, it is fixed, so the
    templates take it from here (`{{ article|url }}`): about a tenth of a rebuild. An item whose
    address cannot be worked out (its metadata is broken) is left out: validation names the cause.
    Its file's name is remembered with it (the checks ask for it twice)."""
    for content in contents:
        try:
            _addresses[id(content)] = (content, content.url, content.save_as)
        except Exception:  # noqa: BLE001 - whatever Pelican raises, validation reports the cause
            continue


def _remembered(content):
    """(item, url, save_as) as remembered for this very item, or None."""
    remembered = _addresses.get(id(content))
    return remembered if remembered is not None and remembered[0] is content else None


def url(content):
    """The template filter `url`: the item's address, as remembered (or as Pelican works it out)."""
    remembered = _remembered(content)
    return content.url if remembered is None else remembered[1]


def save_as(content):
    """The item's output file, as remembered (or as Pelican works it out)."""
    remembered = _remembered(content)
    return content.save_as if remembered is None else remembered[2]


def add_template_filters(pelican):
    """initialized: the `url` filter for the templates."""
    pelican.settings["JINJA_FILTERS"]["url"] = url
