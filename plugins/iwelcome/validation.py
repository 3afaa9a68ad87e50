"""The editor's contract, checked: every problem in the content, each naming file and field.

Pure functions over plain data (`Item`, `Rules`), so the rules are tested without a Pelican
build. `validate()` returns every problem at once; the caller decides what to do with them.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from . import confinement, contract, dates
from .markup import text_of
from .suggestions import closest, closest_file, did_you_mean
from .topics import names_of, preferred_spellings

SLUG = re.compile(r"[a-z0-9_]+(?:-[a-z0-9_]+)*")
SAFE_PATH = re.compile(r"(?:[a-z0-9_][a-z0-9_.-]*/)*[a-z0-9_][a-z0-9_.-]*\.html")
SAFE_URL = re.compile(r"(?:[a-z0-9_][a-z0-9_.-]*/)*(?:[a-z0-9_][a-z0-9_.-]*)?")

# Set by Pelican or by this plugin's reader, never by an editor (reading.py says what each holds).
INTERNAL_FIELDS = {
    "category",
    "reader",
    "_unreadable",
    "_missing",
    "_refused",
    "_hints",
    "_invalid",
    "_control",
    "_markup",
    "_action_slots",
    "_stray_markers",
    "_written",
    "typeset_summary",
    "reading_minutes",
}


@dataclass(frozen=True)
class Problem:
    path: str
    field: str  # as the editor writes it ('Case_status'), 'Body' for the text, '' for the file
    message: str
    line: int | None = None  # when known without reading the file again
    locate: str = ""  # text to look for in the file's body to give the problem its line

    def __str__(self):
        return f"{self.path}: {self.field}: {self.message}" if self.field else f"{self.path}: {self.message}"


def sort_problems(problems):
    """Every problem once, by file, then field, then message: the order editors read them in."""
    return sorted(set(problems), key=lambda p: (p.path, p.field, p.message, p.line or 0))


@dataclass
class Item:
    """One content file as plain data: what the validator needs and nothing else."""

    path: str  # as the editor knows it, e.g. content/updates/judge-halts-deportations.md
    kind: str  # "article" or "page"
    folder: str  # first folder under content/ ("" for a file at the top)
    slug: str
    url: str  # where it is written, e.g. updates/judge-halts-deportations/index.html
    meta: dict = field(default_factory=dict)  # Pelican's metadata: lower-case keys
    lang: str = "en"


@dataclass
class Rules:
    """What the content is checked against: the site's settings, as plain data."""

    content_types: dict  # folder -> contract.Kind
    choices: dict  # setting name -> the values a one-of field allows ({value: label} or a list)
    file_exists: Callable  # file_exists(path under content/) -> bool, for files the site copies
    slugify: Callable  # slugify(text) -> the slug Pelican would make
    languages: tuple = ("en",)  # the languages of the site, the default first
    page_templates: tuple = ("page", "home")
    static_folders: tuple = ("images", "downloads")
    static_files: tuple = ()  # the files the site copies, as paths under content/ ('images/a.jpg')
    translated_names: dict = field(default_factory=dict)  # terms.english_names: names in other languages
    language_names: dict = field(default_factory=dict)  # {'es': 'Spanish'}, for the messages
    terms_path: str = "theme/translations/terms.json"  # where topic and country names are translated

    @property
    def default_lang(self):
        return self.languages[0]


def field_name(key):
    """'case_status' -> 'Case_status', the way an editor writes it."""
    return key[:1].upper() + key[1:]


def split_list(value):
    """'a, b,, c' -> ['a', 'b', 'c']; lists pass through, stripped."""
    if value is None:
        return []
    parts = value if isinstance(value, list) else str(value).split(",")
    return [str(p).strip() for p in parts if str(p).strip()]


def is_blank(value):
    if value is None:
        return True
    if isinstance(value, (list, tuple)):
        return not value
    # Titles and summaries arrive as HTML: '<p></p>' is blank too.
    text = str(value)
    if "<" not in text and "&" not in text:  # no markup: nothing to take out first
        return not text.strip()
    return not text_of(text).strip()


def validate(items, rules):
    """Every problem in `items`, sorted by path: an empty list means the content is good."""
    problems = []
    for item in items:
        problems += check_item(item, rules)
    problems += check_unique_slugs(items)
    problems += check_translations(items, rules)
    problems += check_translated_names(items, rules)
    return sort_problems(problems)


def reader_problems(path, meta):
    """What the reader found (reading.py): a file it refused, values it could not parse, hints
    left from `new`, and HTML the allowlist dropped. Shared by articles, pages and actions."""
    refused = meta.get("_refused")
    if refused:
        line, message = refused
        return [Problem(path, "", message, line=line)]
    problems = []
    for key, raw in meta.get("_unreadable", {}).items():
        problems.append(
            Problem(
                path,
                field_name(key),
                dates.date_problem(raw)
                if key in ("date", "modified", "starts", "ends")
                else f"'{raw}' could not be read",
            )
        )
    for key, raw in sorted(meta.get("_hints", {}).items()):
        problems.append(
            Problem(
                path,
                field_name(key),
                f"still holds the hint '{str(raw).strip()[:60]}'; replace it with the real {field_name(key)}",
            )
        )
    for key, (_raw, message) in sorted(meta.get("_invalid", {}).items()):
        problems.append(Problem(path, field_name(key), message))
    for line, key, character in meta.get("_control", []):
        shown = f"U+{ord(character):04X}"
        problems.append(
            Problem(
                path,
                field_name(key) if key else "Body",
                f"holds an invisible control character ({shown}), "
                "which often comes with pasted text; delete it (retype the words around it)",
                line=line,
            )
        )
    for message, locate in meta.get("_markup", []):
        problems.append(Problem(path, "Body", message, locate=locate))
    return problems


def check_item(item, rules):
    meta = item.meta
    if meta.get("_refused"):
        return reader_problems(item.path, meta)
    problems = reader_problems(item.path, meta)

    def problem(key, message, **where):
        problems.append(Problem(item.path, field_name(key), message, **where))

    if item.kind == "article":
        if item.folder not in rules.content_types:
            folders = ", ".join(f"{f}/" for f in rules.content_types)
            where = f"the folder '{item.folder}/'" if item.folder else "the top of content/"
            problem("folder", f"{where} is not a type of content; move the file into one of {folders}")
            return problems
        kind = rules.content_types[item.folder]
        declared = kind.fields
        templates = (kind.template,)
        category = meta.get("category")
        if item.path.count("/") > 2:
            problem(
                "folder", f"a file goes directly in content/{item.folder}/, not in a folder inside it; move it there"
            )
        elif category is not None and str(category) != item.folder:
            problem("category", f"remove this line: the folder ({item.folder}/) decides the type")
    else:
        declared = contract.PAGE_FIELDS
        templates = rules.page_templates
    allowed = set(declared)

    unreadable = meta.get("_unreadable", {})
    missing = set(meta.get("_missing", []))
    hints = meta.get("_hints", {})
    for f in declared.values():
        if not f.required or f.name in unreadable or f.name in hints:
            continue
        hint = f.hint() if f.check != "one-of" else f"add one of: {', '.join(rules.choices.get(f.choices, ()))}"
        hint = hint if hint.startswith("add ") else f"add {hint}"
        if f.name in missing or f.name not in meta:
            problem(f.name, f"missing; {hint}")
        elif is_blank(meta[f.name]):
            problem(f.name, f"is empty; {hint}")

    for key in sorted(set(meta) - allowed - INTERNAL_FIELDS):
        guess = closest(key, allowed)
        hint = f"did you mean '{field_name(guess)}'?" if guess else "remove it or check the spelling"
        problem(key, f"is not a field this site knows; {hint}")

    date, modified = meta.get("date"), meta.get("modified")
    if (
        isinstance(date, datetime)
        and isinstance(modified, datetime)
        and "date" not in missing
        and _comparable(modified) < _comparable(date)
    ):
        problem(
            "modified",
            f"{modified:%Y-%m-%d} is before the Date ({date:%Y-%m-%d}); it should be the day of the last real change",
        )

    problems += check_values(item.path, meta, declared, rules)

    problems += check_address(item, rules)

    template = meta.get("template")
    if template is not None and str(template).strip() not in templates:
        problem(
            "template",
            f"'{template}' is not a layout for this kind of file; "
            + (f"write one of: {', '.join(templates)}" if len(templates) > 1 else "remove this line"),
        )

    if not is_blank(meta.get("image")) and is_blank(meta.get("image_alt")):
        problem("image_alt", "missing; describe the image in a sentence for people who cannot see it")

    for key, noun in (("tags", "topic"), ("countries", "country")):
        for name in split_list(meta.get(key)):
            if not rules.slugify(name):
                problem(
                    key,
                    f"'{name}' has no letters or digits to make the {noun}'s address from; write the {noun} in words",
                )
    return problems


def check_values(path, meta, declared, rules):
    """Each declared field's value against its `check` (contract.py): one of a list, a whole number,
    a file the site copies. (Dates are read by the reader; lists, addresses and references have
    checks of their own.)"""
    problems = []
    for f in declared.values():
        value = meta.get(f.name)
        if is_blank(value):
            continue
        raw = str(value).strip()
        if f.check == "one-of" and f.choices in rules.choices:
            allowed = list(rules.choices[f.choices])
            if raw not in allowed:
                problems.append(
                    Problem(
                        path,
                        f.written,
                        f"'{raw}' is not one this site knows; write one of: "
                        f"{', '.join(allowed)}" + did_you_mean(raw, allowed, 0.6),
                    )
                )
        elif f.check == "integer":
            number = raw.replace(",", "")
            low = f.minimum if f.minimum is not None else -(10**9)
            if not re.fullmatch(r"-?\d+", number) or int(number) < low:
                what = (
                    "a whole number"
                    if f.minimum is None or f.minimum < 0
                    else f"a whole number of at least {f.minimum}"
                )
                problems.append(Problem(path, f.written, f"'{raw}' is not {what}"))
        elif f.check == "file":
            problems += check_file_field(path, f.name, raw, rules.static_folders, rules.file_exists, rules.static_files)
    return problems


def _comparable(moment):
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone().replace(tzinfo=None)


ADDRESS_FIELDS = ("slug", "lang", "save_as", "url")


def address_problem(name, value, languages, slugify):
    """Why the value of a field that decides where a file is written (Slug, Lang, Save_as, URL)
    cannot be used, or None. The reader drops such a value before Pelican works out the address:
    a Lang of '../..' must not send a page outside the site."""
    value = str(value).strip()
    if name == "slug" and not value:
        return (
            "is empty; remove the line (the file name gives the address) "
            "or write one, such as 'judge-halts-deportations'"
        )
    if name == "slug" and not SLUG.fullmatch(value):
        better = slugify(value) or "a-short-name"
        return f"'{value}' is not an address: use lower-case letters, digits and hyphens only, such as '{better}'"
    if name == "lang" and value not in languages:
        return f"'{value}' is not a language of this site; write one of: {', '.join(languages)}" + did_you_mean(
            value, languages, 0.5
        )
    if name == "save_as" and not SAFE_PATH.fullmatch(value):
        return (
            "'" + value + "' is not a file of the site: write a path of lower-case letters, digits and hyphens "
            "ending in .html, such as 'es/index.html'"
        )
    if name == "url" and not SAFE_URL.fullmatch(value):
        return f"'{value}' is not an address of the site: write a path such as 'es/' (no http://, no ..)"
    return None


def file_name_problem(file_name, title, slugify):
    """Why a file without a `Slug:` line gets no address from its name, or None."""
    if slugify(file_name.rsplit(".", 1)[0]):
        return None
    better = slugify(str(title)) or "a-short-name"
    return (
        f"the file name '{file_name}' has no letters or digits to make an address from; name the file with some, "
        f"such as '{better}.md', or add a line 'Slug: {better}'"
    )


def check_address(item, rules):
    """The slug Pelican made, when the reader did not already refuse it (reading.py)."""
    if SLUG.fullmatch(item.slug or "") or item.meta.get("_invalid", {}).get("slug"):
        return []
    file_name = item.path.rsplit("/", 1)[-1]
    return [
        Problem(
            item.path,
            "Slug",
            file_name_problem(file_name, item.meta.get("title", ""), rules.slugify)
            or f"'{item.slug}' is not an address: name the file with lower-case letters, digits and hyphens",
        )
    ]


def check_file_field(path, key, raw, static_folders, file_exists, known_files=()):
    """A field naming a file the site copies (`Image:`, an action's `File:`), written as EDITING.md
    teaches: its path inside the content folder ('images/photo.jpg'; '/images/photo.jpg' too), in
    one of the folders copied as they are (static_folders), and there. Otherwise the message says
    what to write, the file it most likely means when there is one (known_files: the files there)."""
    written = raw.strip()
    name = field_name(key)
    folders = " or ".join(f"content/{f}/" for f in static_folders)
    example = f"{static_folders[0]}/photo.jpg" if static_folders else "images/photo.jpg"

    def problem(message):
        return [Problem(path, name, message)]

    def write(target):
        guess = target if target and file_exists(target) else closest_file(target or written, known_files)
        return (
            f"write '{name}: {guess}'"
            if guess
            else f"put the file in {folders} and write its path, such as '{name}: {example}'"
        )

    if written.startswith("{") and "}" in written:  # {static}/images/a.jpg: a link's form, not a field's
        target = confinement.resolve("/" + written.split("}", 1)[1].lstrip("/"))
        return problem(f"'{written}' is how the text links a file; this field takes the path alone: {write(target)}")
    target = confinement.resolve("/" + written.lstrip("/"))
    if target is None:
        return problem(f"{written} leaves the content folder; {write(None)}")
    if file_exists(target):
        return []
    if not confinement.in_folders(target, static_folders) and closest_file(target, known_files) is None:
        return problem(
            f"{target} is not in {folders}; put the file there and write its path, such as '{name}: {example}'"
        )
    guess = closest_file(target, known_files)
    if guess and target.endswith("/" + guess):  # content/images/a.jpg: the path from the repository's top
        return problem(f"'{written}' starts outside the content folder; write the path inside it: '{name}: {guess}'")
    return problem(f"{target} is not a file in {folders}; {write(None)}")


def check_unique_slugs(items):
    """Article slugs are unique site-wide (`Related:` and `Actions:` name articles by slug),
    except that a translation shares the slug of the article it translates. Of the files that
    share one, the first keeps it: a file whose slug is its name before one with a `Slug:` line
    (that line is what to change), then by path; whatever order the items come in."""
    problems = []
    by_slug = defaultdict(list)
    for item in sorted(items, key=lambda item: ("slug" in item.meta, item.path)):
        if item.kind == "article" and item.slug:
            by_slug[item.slug, item.lang].append(item)
    for (slug, _lang), same in by_slug.items():
        for item in same[1:] if len(same) > 1 else []:
            first = same[0].path
            problems.append(
                Problem(
                    item.path,
                    "Slug",
                    f"'{slug}' is already used by {first}; rename this file or add a different 'Slug:' line",
                )
            )
            problems.append(
                Problem(first, "Slug", f"'{slug}' is also used by {item.path}; every article needs its own slug")
            )
    return problems


def check_translations(items, rules):
    """A file in another language is a translation: it needs a `Slug:` line with the original's
    slug, in the same kind of content, and `Translation: true` (EDITING.md, "Translations")."""
    originals = {(item.kind, item.slug) for item in items if item.lang == rules.default_lang}
    problems = []
    for item in items:
        if item.lang == rules.default_lang or item.lang not in rules.languages or not item.slug:
            continue
        language = rules.language_names.get(item.lang, item.lang)
        same_kind = sorted(slug for kind, slug in originals if kind == item.kind)
        guess = closest(item.slug, same_kind, 0.6)
        if "slug" not in item.meta and "slug" not in item.meta.get("_invalid", {}):
            problems.append(
                Problem(
                    item.path,
                    "Slug",
                    f"missing: a translation ('Lang: {item.lang}') needs its original's file name (without .md) "
                    f"as 'Slug:', to be published as its {language} page, with a language switch; "
                    + (f"add 'Slug: {guess}'" if guess else "add one, such as 'Slug: judge-halts-deportations'"),
                )
            )
        elif (item.kind, item.slug) not in originals:
            problems.append(
                Problem(
                    item.path,
                    "Slug",
                    f"'{item.slug}' is not the slug of a file in the site's language "
                    f"({rules.default_lang}), so this translation has no original; write the original's file "
                    "name (without .md) as 'Slug:'" + (f"; did you mean '{guess}'?" if guess else ""),
                )
            )
        problems += translation_line(item.path, item.meta, item.lang)
    return problems


def translation_line(path, meta, lang):
    """A translation (an article, a page or an action in `lang`) says `Translation: true`."""
    written = str(meta.get("translation", "")).strip()
    if written.lower() == "true":
        return []
    return [
        Problem(
            path,
            "Translation",
            (f"'{written}' is not 'true'" if written else "missing")
            + f": a file with 'Lang: {lang}' is a translation; "
            + ("write 'Translation: true'" if written else "add the line 'Translation: true'"),
        )
    ]


NOUNS = {"tags": ("topic", "topics"), "countries": ("country", "countries")}  # field -> what it names
TERMS_KINDS = {"tags": "topics", "countries": "countries"}  # field -> its list in terms.json


def spelling_warnings(items, rules):
    """Warnings: a topic or country written in another spelling than the site's ('detention' where
    most files write 'Detention': one topic, shown as 'Detention'), and a new one, in no other file,
    close to one that others have ('Detenton'). (A name in another language is an error of its
    own: check_translated_names.)"""
    key = rules.slugify
    warnings = []
    articles = [item for item in items if item.kind == "article" and not item.meta.get("_refused")]
    for name_field, (noun, _plural) in NOUNS.items():
        written = [(item, list(dict.fromkeys(names_of(item.meta, name_field)))) for item in articles]
        preferred = preferred_spellings((names for _item, names in written), key)
        files = defaultdict(list)  # key -> the files that name it
        spelled = defaultdict(list)  # spelling -> the files that write it so
        for item, names in written:
            for name in names:
                files[key(name)].append(item.path)
                spelled[" ".join(name.split())].append((item.lang != rules.default_lang, item.path))
        for item, names in written:
            for name in names:
                keep = preferred.get(key(name))
                if keep is None:
                    continue
                if " ".join(name.split()) != keep:
                    users = [path for _translated, path in sorted(spelled[keep])]  # originals first
                    others = f" and {len(users) - 1} other file{'s' * (len(users) > 2)}" if len(users) > 1 else ""
                    message = (
                        f"'{name}' is shown as '{keep}', the spelling of {users[0]}{others}; "
                        f"write '{keep}' (one {noun}, one spelling)"
                    )
                    warnings.append(Problem(item.path, field_name(name_field), message))
                elif (
                    files[key(name)] == [item.path]
                    and item.lang == rules.default_lang
                    and (TERMS_KINDS[name_field], key(name)) not in rules.translated_names
                ):
                    known = [preferred[k] for k, paths in files.items() if k in preferred and paths != [item.path]]
                    guess = closest(name, known)
                    if guess is not None:
                        message = (
                            f"'{name}' is a new {noun}, in no other file, and gets a page of its own; "
                            f"did you mean '{guess}'?"
                        )
                        warnings.append(Problem(item.path, field_name(name_field), message))
    return warnings


def check_translated_names(items, rules):
    """Topics and countries are written in English in every file (EDITING.md, "Translations"): a
    name of another language from the terms table ('Detención'), or in a translation a name no
    file in the site's language has, would make a topic of its own, or a link to none."""
    key, default = rules.slugify, rules.default_lang
    articles = [item for item in items if item.kind == "article" and not item.meta.get("_refused")]
    originals = {item.slug: item for item in articles if item.lang == default}
    problems = []
    for name_field, (noun, plural) in NOUNS.items():
        english = {}
        for item in articles:
            if item.lang == default:
                english.update((key(name), name) for name in names_of(item.meta, name_field))
        for item in articles:
            for name in names_of(item.meta, name_field):
                meant = rules.translated_names.get((TERMS_KINDS[name_field], key(name)))
                if meant:
                    lang, english_name = meant
                    language = rules.language_names.get(lang, lang)
                    message = (
                        f"'{name}' is the {language} name of the {noun} '{english_name}' ({rules.terms_path}); "
                        f"write '{english_name}': every file names {plural} in English, and {language} pages "
                        f"show them in {language}"
                    )
                elif item.lang != default and item.lang in rules.languages and key(name) not in english:
                    original = names_of(originals[item.slug].meta, name_field) if item.slug in originals else []
                    hint = (
                        f"write the original's: '{field_name(name_field)}: {', '.join(original)}'"
                        if original
                        else f"write the {noun} in English, as the files in {default} do"
                        + did_you_mean(name, sorted(english.values()))
                    )
                    message = (
                        f"'{name}' is not a {noun} of any file in the site's language ({default}), "
                        f"so its page would not exist; {hint}"
                    )
                else:
                    continue
                problems.append(Problem(item.path, field_name(name_field), message))
    return problems
