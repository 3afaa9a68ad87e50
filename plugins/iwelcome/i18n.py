"""The interface in the language of each page: its words (gettext), dates and numbers (Babel),
and the names of topics and countries (terms.py).

Words. Templates mark every word of the interface with Jinja's i18n extension, in its newstyle
form: `{{ _("Related updates") }}`, a value by name `{{ _("%(minutes)s min read", minutes=n) }}`,
plurals `{{ ngettext("%(num)s item", "%(num)s items", n) }}`. The result is always %-formatted
(a literal per cent sign is written `%%`) and, autoescape being on, the values are escaped while the
translation itself is markup: a translation whose tags or `&` differ from its English is not used
(broken(), compile_catalogue()) and `check` names it. Words that Python declares and templates
translate later (`{{ _(article.type_label) }}`) are marked where they are declared with `N_()` (the
CONTENT_TYPES labels and CASE_STATUSES of settings.py, which defines N_, and the kinds of action); `extract_settings`,
an extractor named in babel.cfg, finds the MENUITEMS labels and the SITE_TAGLINE of pelicanconf.py.
No message id is built while rendering ("All " ~ plural): every string a template translates is a
literal that `pybabel extract` finds, in the template or where Python declares it.

Catalogues. `python3 tasks.py translations-extract` writes every marked string to
theme/translations/messages.pot; `translations-update` merges it into each language's
theme/translations/<lang>/LC_MESSAGES/messages.po, which translators edit (Poedit, Weblate, a text
editor); `translations-compile` compiles them with pybabel and counts what is translated. The build
does not read .mo files: `catalogues()` compiles each .po in memory when a build starts (a few
milliseconds, the same bytes every time, no network), so the .po is the one file to edit and a
change shows in the next build; no compiled file can be stale or differ from its .po. Each .po's
Plural-Forms header is the one `pybabel init` writes from Babel's (CLDR) rules, which the tests
hold it to: Spanish has three forms (one; many, for whole millions; other). A message that is
missing, fuzzy or broken in a .po shows in English; `invoke check` lists those
(translation_problems()) and the tests fail on them.

The page's language is `language_of(context)`: the template context's `lang` (the search and Get
Involved pages of each language set it), else the article's or page's `lang`, else DEFAULT_LANG.
`install()` (generator_init) adds the extension to each generator's Jinja environment and installs
gettext callables that receive the template context, so `_()` follows the page being rendered
(`_` is the installed gettext itself, not the extension's alias that looks it up again); it adds
the template functions `format_date`, `format_number`, `page_lang`, `page_locale`,
`topic_name` and `country_name` the same way. Nothing is put into the settings, which Pelican
pickles into its content cache.

Dates and numbers: babel.dates.format_date(..., format="long") and babel.numbers.format_decimal in
the locale of the page's language (LOCALES): 'February 10, 2017', '10 de febrero de 2017',
'10 فبراير 2017'; 18,342 in every language (the digits 0-9: NUMBERING_SYSTEM).

Languages themselves: `language_name` names each in itself for the language switch (English,
Español, العربية), and `text_direction` gives the `dir` of its pages from Babel's character order
('rtl' for Arabic), which templates read as `page_dir()`. No language is named in the code: a new
one needs only its settings, catalogue and terms (EDITING.md, "A new language").

Topic and country names: theme/translations/terms.json, through terms.py (not the catalogue).
"""

import ast
import datetime
import functools
import gettext
import os
import re
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import pass_context
from markupsafe import Markup

from . import terms
from .topics import key_maker
from .validation import Problem, split_list

DOMAIN = "messages"
TEMPLATE = "messages.pot"
TERMS = "terms.json"
# The Babel locale of each language of the site, for dates, numbers, og:locale and the direction of
# its pages: the campaign's readers are in the United States (Spanish there groups thousands with a
# comma, as English does). A language not listed uses its own code: Arabic is 'ar', Modern Standard
# Arabic with no country ('10 فبراير 2017'), read from Morocco to Syria and by the diaspora.
LOCALES = {"en": "en_US", "es": "es_US"}
# Digits: every language writes numbers in the digits of the `latn` numbering system (0-9), which is
# also CLDR's default for 'ar'. Babel writes the days of dates in those digits whatever the locale,
# and editors write figures and years in the text with them: one kind of digit on every page.
NUMBERING_SYSTEM = "latn"


def language_of(context, default_lang):
    """The language of the page being rendered."""
    if context.get("lang"):
        return context["lang"]
    for name in ("article", "page"):
        item = context.get(name)
        if item and getattr(item, "lang", None):
            return item.lang
    return default_lang


def locale_of(lang):
    """'es' -> 'es_US': the Babel locale of a language of the site."""
    return LOCALES.get(lang, lang)


@functools.cache
def _locale(lang):
    try:
        return Locale.parse(locale_of(lang))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_US")


def language_name_in_english(lang):
    """'es' -> 'Spanish': a language's name in English, for the check's messages."""
    return _locale("en").languages.get(lang, lang)


def format_date(value, lang):
    """'February 10, 2017' in English, '10 de febrero de 2017' in Spanish (a date or a datetime,
    whose own day counts)."""
    return _format_day(value.date() if isinstance(value, datetime.datetime) else value, lang)


@functools.lru_cache(maxsize=4096)  # a page shows the same few days again and again (listings, sidebars)
def _format_day(day, lang):
    return babel_format_date(day, format="long", locale=_locale(lang))


@functools.lru_cache(maxsize=4096)
def format_number(value, lang):
    """18342 -> '18,342': a count or goal as readers of `lang` write it."""
    return format_decimal(value, locale=_locale(lang), numbering_system=NUMBERING_SYSTEM)


@functools.cache
def language_name(lang):
    """'es' -> 'Español', 'ar' -> 'العربية': a language by its own name (Babel's, with a capital
    where the script has capitals), as a language switch shows it to its readers."""
    locale = _locale(lang)
    name = locale.language == lang.split("_")[0] and locale.languages.get(locale.language)
    return name[:1].upper() + name[1:] if name else lang  # a code Babel does not know: as it is


@functools.cache
def text_direction(lang):
    """'rtl' for a language written right to left (Arabic), else 'ltr' (Babel's character order)."""
    return "rtl" if _locale(lang).character_order == "right-to-left" else "ltr"


# --- Catalogues --------------------------------------------------------------------------------


def catalogue_paths(folder):
    """{lang: path of its messages.po} in the theme's translations folder."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {
        child.name: child / "LC_MESSAGES" / "messages.po"
        for child in sorted(folder.iterdir())
        if (child / "LC_MESSAGES" / "messages.po").is_file()
    }


def read_catalogue(path, lang):
    with open(path, "rb") as f:
        return read_po(f, locale=locale_of(lang), domain=DOMAIN)


_TAGS = re.compile(r"<[^>]*>|&|<|>")


def broken(message):
    """Why a translated message cannot be used as it is, or None: Babel's checks (its %(name)s
    placeholders, its number of plural forms), a stray %, or markup that its English does not have."""
    errors = [str(e) for e in message.check()] if message.string else []
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    for string in filter(None, strings):
        try:
            string % _AnyValue()
        except (ValueError, TypeError, KeyError) as error:
            errors.append(f"it is not a valid %-format ({error}): write a per cent sign as %%")
        if sorted(_TAGS.findall(string)) != sorted(_TAGS.findall(ids[0])):
            errors.append(
                "its HTML tags or '&' differ from the English: keep the English markup, translate only the words"
            )
    return "; ".join(dict.fromkeys(errors)) or None


class _AnyValue(dict):
    def __missing__(self, key):
        return 0


def compile_catalogue(catalog):
    """gettext translations from a Babel catalogue, in memory: what `pybabel compile` would write,
    without the messages that are fuzzy, untranslated or broken (those show in English)."""
    for message in list(catalog)[1:]:
        if message.string and broken(message):
            catalog.delete(message.id, context=message.context)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


_compiled = {}  # (path, size, mtime) -> Translations: a livereload rebuild reads a changed .po again


def catalogues(folder):
    """{lang: Translations}, compiled from the theme's .po files."""
    found = {}
    for lang, path in catalogue_paths(folder).items():
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in _compiled:
            _compiled[key] = compile_catalogue(read_catalogue(path, lang))
        found[lang] = _compiled[key]
    return found


def catalogue_problems(catalog, template, lang, path, language=None):
    """[Problem]: what a language's catalogue lacks or gets wrong against the template (.pot)."""
    language = language or lang
    problems = []
    expected = get_plural(locale_of(lang)).plural_forms
    if catalog.plural_forms != expected:
        problems.append(
            Problem(
                path,
                "",
                f"its Plural-Forms header is '{catalog.plural_forms}'; {language} needs "
                f"'{expected}' (run python3 tasks.py translations-update)",
                line=1,
            )
        )
    for message in list(template)[1:]:
        shown = _shown(message.id)
        translated = catalog.get(message.id, context=message.context)
        if translated is None:
            problems.append(
                Problem(
                    path,
                    "",
                    f"{shown} is not in this catalogue: run python3 tasks.py translations-update, then translate it",
                )
            )
            continue
        strings = translated.string if isinstance(translated.string, (list, tuple)) else (translated.string,)
        if not all(strings):
            problems.append(
                Problem(
                    path, "", f"{shown} has no {language} translation (it shows in English)", line=translated.lineno
                )
            )
        elif translated.fuzzy:
            problems.append(
                Problem(
                    path,
                    "",
                    f"the translation of {shown} is marked fuzzy (a guess after the English "
                    "changed): check it, then remove the fuzzy flag",
                    line=translated.lineno,
                )
            )
        else:
            why = broken(translated)
            if why:
                problems.append(
                    Problem(path, "", f"the translation of {shown} is not used: {why}", line=translated.lineno)
                )
    return problems


def _shown(message_id):
    text = message_id[0] if isinstance(message_id, (list, tuple)) else message_id
    return "'" + (text if len(text) <= 60 else text[:57] + "...") + "'"


def translation_problems(settings, items):
    """check: every problem of the translations folder, as warnings (a page shows English where a
    translation is missing or cannot be used, so none of them stops a build): each catalogue of a
    language of the site against messages.pot, and the terms table of each language the content
    is written in against the site's topics and countries. `items` are the content files
    (validation.Item)."""
    folder = Path(settings["THEME"]) / "translations"
    root = os.path.dirname(settings["PATH"])
    default_lang = settings["DEFAULT_LANG"]
    languages = [lang for lang in dict.fromkeys(settings.get("LANGUAGES") or []) if lang != default_lang]
    language_names = {lang: language_name_in_english(lang) for lang in languages}

    def shown_path(path):
        relative = os.path.relpath(path, root)
        return str(path) if relative.startswith("..") else relative.replace(os.sep, "/")

    problems = []
    template_path = folder / TEMPLATE
    if template_path.is_file():
        with open(template_path, "rb") as f:
            template = read_po(f)
        paths = catalogue_paths(folder)
        for lang in languages:
            if lang not in paths:
                problems.append(
                    Problem(
                        shown_path(folder),
                        "",
                        f"{language_names[lang]} ('{lang}') has no catalogue: "
                        f"run python3 tasks.py translations-init --lang {lang}",
                    )
                )
                continue
            catalog = read_catalogue(paths[lang], lang)
            problems += catalogue_problems(catalog, template, lang, shown_path(paths[lang]), language_names[lang])

    used = {kind: set() for kind in terms.KINDS}
    shown = {}
    for item in items:
        for kind, field in (("topics", "tags"), ("countries", "countries")):
            found = split_list(item.meta.get(field))
            used[kind].update(found)
            if item.lang != default_lang:
                shown.setdefault(item.lang, {k: set() for k in terms.KINDS})[kind].update(found)
    table_path = folder / TERMS
    if table_path.is_file():
        table, table_problems, lines = terms.parse(table_path.read_text(encoding="utf-8"), shown_path(table_path))
        problems += table_problems
        # A file that writes a translated name ('Detención'), or a translation with a topic no file in
        # the site's language has, has an error of its own (validation.check_translated_names): the
        # table is not told to translate that name too.
        key = key_maker(settings)
        translated = terms.english_names(table, key)
        english = {
            kind: {key(n) for item in items if item.lang == default_lang for n in split_list(item.meta.get(field))}
            for kind, field in (("topics", "tags"), ("countries", "countries"))
        }
        used = {kind: {n for n in names if (kind, key(n)) not in translated} for kind, names in used.items()}
        shown = {
            lang: {
                kind: {n for n in names if (kind, key(n)) not in translated and key(n) in english[kind]}
                for kind, names in kinds.items()
            }
            for lang, kinds in shown.items()
        }
        # A language of the site with no page yet uses none of its names: its list waits, unchecked.
        table = {lang: kinds for lang, kinds in table.items() if lang in shown or lang not in languages}
        problems += terms.check_table(table, used, shown, languages, shown_path(table_path), lines, language_names)
    return problems


def load_terms(folder):
    """The terms table of the theme (whatever of it can be read; check lists the rest)."""
    path = Path(folder) / TERMS
    if not path.is_file():
        return {}
    return terms.parse(path.read_text(encoding="utf-8"), str(path))[0]


# --- Templates ---------------------------------------------------------------------------------


def install(generator):
    """generator_init: give this generator's Jinja environment the i18n extension, gettext
    callables and template functions that follow the language of the page being rendered."""
    settings = generator.settings
    env = generator.env
    default_lang = settings["DEFAULT_LANG"]
    folder = Path(settings["THEME"]) / "translations"
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: whitespace collapsed, as babel.cfg extracts them
    by_lang = catalogues(folder)
    english = gettext.NullTranslations()
    table = load_terms(folder)

    def lang_of(context):
        return language_of(context, default_lang)

    def translations(context):
        return by_lang.get(lang_of(context), english)

    @pass_context
    def _gettext(context, message):
        return translations(context).gettext(message) if message else message  # "" would give the .po's header

    @pass_context
    def _ngettext(context, singular, plural, n):
        return translations(context).ngettext(singular, plural, n)

    @pass_context
    def _pgettext(context, message_context, message):
        return translations(context).pgettext(message_context, message)

    @pass_context
    def _npgettext(context, message_context, singular, plural, n):
        return translations(context).npgettext(message_context, singular, plural, n)

    env.install_gettext_callables(_gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext)
    # Jinja's newstyle wrappers reach the callables above through context.call at every use, which
    # was a seventh of a warm rebuild. The same behaviour (the translation is markup when
    # autoescape is on, and always %-formatted with the values, which are escaped), written
    # directly; the words without values are kept once made, per language. `_` is `gettext`.
    made = {}

    def newstyle(context, words, values):
        words = Markup(words) if context.eval_ctx.autoescape else words
        return words % values

    @pass_context
    def gettext_newstyle(context, message, **values):
        if values:
            return newstyle(context, _gettext(context, message), values)
        key = (lang_of(context), context.eval_ctx.autoescape, message)
        if key not in made:
            made[key] = newstyle(context, _gettext(context, message), {})
        return made[key]

    @pass_context
    def ngettext_newstyle(context, singular, plural, n, **values):
        values.setdefault("num", n)
        return newstyle(context, _ngettext(context, singular, plural, n), values)

    env.globals.update({"gettext": gettext_newstyle, "_": gettext_newstyle, "ngettext": ngettext_newstyle})

    @pass_context
    def page_lang(context):
        return lang_of(context)

    @pass_context
    def page_locale(context):
        return locale_of(lang_of(context))

    @pass_context
    def date_in_page_language(context, value):
        return format_date(value, lang_of(context))

    @pass_context
    def number_in_page_language(context, value):
        return format_number(value, lang_of(context))

    @pass_context
    def topic_name(context, name):
        return terms.name_in(table, lang_of(context), "topics", str(name))

    @pass_context
    def country_name(context, name):
        return terms.name_in(table, lang_of(context), "countries", str(name))

    @pass_context
    def page_dir(context):
        return text_direction(lang_of(context))

    env.globals.update(
        page_lang=page_lang,
        page_dir=page_dir,
        language_name=language_name,
        text_direction=text_direction,
        page_locale=page_locale,
        format_date=date_in_page_language,
        format_number=number_in_page_language,
        topic_name=topic_name,
        country_name=country_name,
    )


# --- Extraction --------------------------------------------------------------------------------

SETTINGS_WORDS = {"SITE_TAGLINE": "text", "MENUITEMS": "first of each pair"}


def extract_settings(fileobj, keywords, comment_tags, options):
    """A Babel extractor for pelicanconf.py (babel.cfg): the words of settings that templates
    translate, SITE_TAGLINE and the label of each MENUITEMS entry. The file is parsed, not run."""
    tree = ast.parse(fileobj.read())
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if not isinstance(target, ast.Name) or target.id not in SETTINGS_WORDS:
                continue
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if target.id == "SITE_TAGLINE" and isinstance(value, str) and value:
                yield node.lineno, "N_", value, ["The site's tagline (SITE_TAGLINE in pelicanconf.py)"]
            elif target.id == "MENUITEMS":
                for entry in value:
                    if isinstance(entry, (list, tuple)) and entry and isinstance(entry[0], str):
                        yield node.lineno, "N_", entry[0], ["A label of the main menu (MENUITEMS in pelicanconf.py)"]
