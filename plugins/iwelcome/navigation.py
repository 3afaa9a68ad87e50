"""Where the site's own pages are in each language readers get: the home page, the search page
and the Get Involved page. The templates link to them (the header, the language switch), and the
generators that write the search and Get Involved pages write one per language found here.

Context keys: HOME_URLS, SEARCH_URLS, GET_INVOLVED_URLS ({lang: url}).
"""

from .contents import all_contents, generators_by_kind, public_languages
from .settings import setting


def prepare(generators):
    """all_generators_finalized, after the checks."""
    articles_gen, pages_gen, _actions_gen, _static_gen = generators_by_kind(generators)
    settings, context = articles_gen.settings, articles_gen.context
    default = settings["DEFAULT_LANG"]
    _articles, pages = all_contents(articles_gen, pages_gen)
    languages = public_languages(articles_gen, pages_gen, default)
    context["HOME_URLS"] = {p.lang: p.url for p in pages if p.template == "home" and p.status == "published"}
    context["GET_INVOLVED_URLS"] = {
        lang: setting(settings, "GET_INVOLVED_URL" if lang == default else "GET_INVOLVED_LANG_URL").format(lang=lang)
        for lang in languages
    }
    context["SEARCH_URLS"] = {
        lang: settings.get("SEARCH_URL", "search.html")
        if lang == default
        else setting(settings, "SEARCH_LANG_URL").format(lang=lang)
        for lang in languages
    }
