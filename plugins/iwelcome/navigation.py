"""Where the site's own pages are in each language readers get: the home page, the search page
and the Get Involved page. The templates link to them (the header, the language switch), and the
generators that write the search and Get Involved pages write one per language found here.

Context keys: HOME_URLS, SEARCH_URLS, GET_INVOLVED_URLS ({lang: url}); PAGE_URLS ({url of a page in
the default language: {lang: url of its published translation}}), with which the menu and the
footer lead a reader of Arabic to the Arabic About page; FEED_URLS ({lang: the Atom feed of the
articles in that language}, in a build with feeds); each such feed says its language
(`<feed xml:lang="ar">`, say_feed_language), and every feed names the campaign as its author
(name_feed_author).
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
    context["PAGE_URLS"] = page_urls(
        [(p.lang, p.url, p.status, [(t.lang, t.url, t.status) for t in p.translations]) for p in pages], default
    )
    context["FEED_URLS"] = feed_urls(
        settings.get("FEED_ALL_ATOM"),
        settings.get("TRANSLATION_FEED_ATOM"),
        {a.lang for a in _articles if a.status == "published"},
        default,
    )
    context["SEARCH_URLS"] = {
        lang: settings.get("SEARCH_URL", "search.html")
        if lang == default
        else setting(settings, "SEARCH_LANG_URL").format(lang=lang)
        for lang in languages
    }


def page_urls(pages, default_lang):
    """{url of a published page in the default language: {lang: url}}, itself and each of its
    published translations. pages: [(lang, url, status, [(lang, url, status) of its translations])]."""
    found = {}
    for lang, url, status, translations in pages:
        if lang != default_lang or status != "published":
            continue
        found[url] = {
            lang: url,
            **{t_lang: t_url for t_lang, t_url, t_status in translations if t_status == "published"},
        }
    return found


def feed_urls(all_feed, translation_feed, languages, default_lang):
    """{lang: path of the Atom feed in that language}: the feed of everything for the default
    language, each other language's translation feed where it has published articles (Pelican
    writes those); {} when the build writes no feeds."""
    found = {default_lang: all_feed} if all_feed else {}
    if translation_feed:
        found.update(
            {lang: str(translation_feed).format(lang=lang) for lang in sorted(languages) if lang != default_lang}
        )
    return found


def say_feed_language(context, feed):
    """feed_generated: the feed of one language other than the default says which (xml:lang), so
    that a feed reader shows it in that language and direction. (The feed of everything, in every
    language, says none.)"""
    lang = language_of_feed(feed.feed.get("feed_url") or "", context.get("FEED_URLS") or {}, context["DEFAULT_LANG"])
    if lang:
        feed.feed["language"] = lang


def name_feed_author(context, feed):
    """feed_generated: the campaign is the feed's author, which Atom asks of every feed whose entries
    do not each name one (RFC 4287, 4.1.1); an entry names its own only when its item has one
    (Pelican gives every other entry an author with an empty name)."""
    if feed.feed.get("author_name") is None and context.get("SITENAME"):
        feed.feed["author_name"] = context["SITENAME"]
    for entry in feed.items:
        if not str(entry.get("author_name") or "").strip():
            entry["author_name"] = None


def language_of_feed(feed_url, feeds, default_lang):
    """The language whose feed (FEED_URLS: {lang: path}) is at `feed_url`, if not the default's."""
    for lang, path in feeds.items():
        if lang != default_lang and feed_url.endswith("/" + path):
            return lang
    return None
