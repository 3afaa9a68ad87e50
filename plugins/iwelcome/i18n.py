"""The words of the interface in the reader's language.

The theme keeps one JSON file per language in `theme/translations/<lang>.json`: the English
text as key, the translation as value, plus "months" and "date_format" for dates. Templates
call `_("Related updates")` and `format_date(article.date)`; the language is the page's own
(`lang` in the template context, else the article's or page's `lang`, else DEFAULT_LANG).
"""

import json
from pathlib import Path

from jinja2 import pass_context

ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]


def load_strings(theme_path):
    """{lang: {english: translation}} from the theme's translations folder."""
    folder = Path(theme_path) / "translations"
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


def language_of(context, default_lang):
    """The language of the page being rendered."""
    if context.get("lang"):
        return context["lang"]
    for name in ("article", "page"):
        item = context.get(name)
        if item and getattr(item, "lang", None):
            return item.lang
    return default_lang


def translate(strings, lang, text):
    return strings.get(lang, {}).get(text, text)


def format_date(strings, lang, value):
    """'February 10, 2017' in English, '10 de febrero de 2017' in Spanish."""
    table = strings.get(lang, {})
    months = table.get("months", ENGLISH_MONTHS)
    pattern = table.get("date_format", "{month} {day}, {year}")
    return pattern.format(day=value.day, month=months[value.month - 1], year=value.year)


def add_template_globals(pelican):
    """initialized: the interface's words for the templates, in each page's language."""
    strings = load_strings(pelican.settings["THEME"])
    pelican.settings["JINJA_GLOBALS"].update(template_globals(strings, pelican.settings["DEFAULT_LANG"]))


def template_globals(strings, default_lang):
    """The functions templates use: `_`, `format_date` and `page_lang`."""
    return {
        "_": Translate(strings, default_lang),
        "format_date": FormatDate(strings, default_lang),
        "page_lang": PageLang(strings, default_lang),
    }


class _InPageLanguage:
    """A template function that knows the page's language. Objects, not closures: Pelican
    pickles its settings (where template globals live) into the content cache."""

    jinja_pass_arg = pass_context(lambda: None).jinja_pass_arg  # what @pass_context marks

    def __init__(self, strings, default_lang):
        self.strings, self.default_lang = strings, default_lang


class Translate(_InPageLanguage):
    def __call__(self, context, text, **values):
        words = translate(self.strings, language_of(context, self.default_lang), text)
        return words.format(**values) if values else words


class FormatDate(_InPageLanguage):
    def __call__(self, context, value):
        return format_date(self.strings, language_of(context, self.default_lang), value)


class PageLang(_InPageLanguage):
    def __call__(self, context):
        return language_of(context, self.default_lang)
