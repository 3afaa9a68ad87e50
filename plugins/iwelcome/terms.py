"""Topic and country names in the site's other languages: `theme/translations/terms.json`.

Editors write topics (`Tags:`) and countries (`Countries:`) in English in every file, the
translations included, so that one topic has one page. A page in another language shows those
names through this table, one object per language with its topics and its countries:

    {
      "es": {
        "topics": {"Detention": "Detención", "Health care": "Atención médica"},
        "countries": {"United States": "Estados Unidos"}
      }
    }

A name the table does not give (or gives empty) is shown as the content writes it. The table is
not the interface's catalogue (messages.po): its entries follow the content, not the templates.

`parse` reads the file's text, `check_table` validates the table against the site's names, and
`name_in` is what templates use (through i18n.py). Pure functions: tested without a build.
"""

import json
import re

from .validation import Problem

KINDS = {"topics": "topic", "countries": "country"}  # a language's keys -> what one entry names
FIELDS = {"topics": "Tags", "countries": "Countries"}  # where the content writes them


def parse(text, path):
    """(table, [Problem], lines): the table {lang: {"topics": {name: translated}, "countries": ...}}
    as far as it can be read, what is wrong with its shape, and the line of each entry
    ({(lang,), (lang, kind), (lang, kind, name)}: line number)."""
    problems = []

    def problem(message, line=None):
        problems.append(Problem(path, "", message, line=line))

    duplicates = []

    def pairs(items):
        seen = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        problem(
            f"is not valid JSON: {error.msg} (column {error.colno}); until it is, pages in other languages "
            "show topics and countries as the content writes them",
            line=error.lineno,
        )
        return {}, problems, {}
    lines = entry_lines(text, data)
    for key in dict.fromkeys(duplicates):
        problem(f"'{key}' is written twice in one object; keep one (the last one counts)", line=_first_line(text, key))
    if not isinstance(data, dict):
        problem('must be one object of languages, such as {"es": {"topics": {...}, "countries": {...}}}', line=1)
        return {}, problems, lines
    table = {}
    for lang, kinds in data.items():
        if not isinstance(kinds, dict):
            problem(f'\'{lang}\' must hold an object with "topics" and "countries"', line=lines.get((lang,)))
            continue
        table[lang] = {}
        for kind, names in kinds.items():
            if kind not in KINDS:
                problem(
                    f"'{kind}' in '{lang}' is not a list of names the site has; write \"topics\" or \"countries\"",
                    line=lines.get((lang, kind)),
                )
                continue
            if not isinstance(names, dict):
                problem(
                    f"'{kind}' in '{lang}' must be an object: English name -> name in '{lang}'",
                    line=lines.get((lang, kind)),
                )
                continue
            table[lang][kind] = {}
            for name, translated in names.items():
                if not isinstance(translated, str):
                    problem(
                        f"the name of '{name}' in '{lang}' must be text in quotes", line=lines.get((lang, kind, name))
                    )
                    continue
                table[lang][kind][name] = translated
    return table, problems, lines


def entry_lines(text, data):
    """The line of each language, list and entry key in `text` (the JSON `data` came from): each
    key is looked for after the line of the object that holds it."""
    lines = {}
    all_lines = text.splitlines()

    def find(key, start):
        escaped, unescaped = re.escape(json.dumps(key)[1:-1]), re.escape(json.dumps(key, ensure_ascii=False)[1:-1])
        pattern = re.compile(rf'"(?:{escaped}|{unescaped})"\s*:')
        for number in range(start, len(all_lines)):
            if pattern.search(all_lines[number]):
                return number + 1
        return None

    if not isinstance(data, dict):
        return lines
    for lang, kinds in data.items():
        lang_line = find(lang, 0)
        lines[(lang,)] = lang_line
        if not isinstance(kinds, dict):
            continue
        for kind, names in kinds.items():
            kind_line = find(kind, (lang_line or 1) - 1)  # from the line of the object that holds it
            lines[(lang, kind)] = kind_line
            if isinstance(names, dict):
                for name in names:
                    lines[(lang, kind, name)] = find(name, (kind_line or 1) - 1)
    return lines


def _first_line(text, key):
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(rf'"{re.escape(json.dumps(key, ensure_ascii=False)[1:-1])}"\s*:', line):
            return number
    return None


def check_table(table, used, shown, languages, path, lines=None, language_names=None):
    """[Problem]: what is wrong in the table for this site.

    used: {"topics": names, "countries": names} that the site's files write (every language,
    every status); shown: {lang: {"topics": names, "countries": names}} on the files in `lang`;
    languages: the site's languages other than its default one; language_names: {lang: 'Spanish'}
    for the messages."""
    lines = lines or {}
    language_names = language_names or {}
    problems = []
    everything = set(used.get("topics", ())) | set(used.get("countries", ()))

    def problem(message, *keys):
        line = None
        for end in range(len(keys), 0, -1):  # the entry's line, else its list's, else its language's
            line = lines.get(tuple(keys[:end]))
            if line:
                break
        problems.append(Problem(path, "", message, line=line))

    for lang in sorted(table):
        language = language_names.get(lang, lang)
        if lang not in languages:
            problem(
                f"'{lang}' is not one of the site's other languages ({', '.join(languages) or 'none'}): "
                "names are translated only into a language pages are written in",
                lang,
            )
            continue
        given = {}  # translated name -> (kind, English name): two entries must not share one
        for kind in KINDS:
            for name, translated in table[lang].get(kind, {}).items():
                noun = KINDS[kind]
                if name not in used.get(kind, ()):
                    other = next((k for k in KINDS if k != kind and name in used.get(k, ())), None)
                    if other:
                        problem(f"'{name}' is a {KINDS[other]}, not a {noun}: move it to \"{other}\"", lang, kind, name)
                    else:
                        problem(
                            f"the {noun} '{name}' is in no file's '{FIELDS[kind]}:' line: write it as the files do "
                            "(same spelling and capitals), or remove it",
                            lang,
                            kind,
                            name,
                        )
                if not translated.strip():
                    problem(
                        f"the {language} name of the {noun} '{name}' is empty: write it, or remove the line "
                        f"({language} pages then show '{name}')",
                        lang,
                        kind,
                        name,
                    )
                    continue
                if translated != name and translated in everything:
                    problem(
                        f"'{translated}', the {language} name of the {noun} '{name}', is itself a topic or country of "
                        "the site: readers could not tell the two apart; choose another name",
                        lang,
                        kind,
                        name,
                    )
                if translated in given and given[translated] != (kind, name):
                    other_kind, other_name = given[translated]
                    problem(
                        f"'{translated}' is the {language} name of both the {KINDS[other_kind]} '{other_name}' and the "
                        f"{noun} '{name}': readers could not tell them apart; give each its own",
                        lang,
                        kind,
                        name,
                    )
                given.setdefault(translated, (kind, name))
    for lang in sorted(shown):
        if lang not in languages:
            continue
        language = language_names.get(lang, lang)
        for kind in KINDS:
            missing = sorted(set(shown[lang].get(kind, ())) - set(table.get(lang, {}).get(kind, {})))
            for name in missing:
                problem(
                    f"the {KINDS[kind]} '{name}' is on {language} pages but has no {language} name here: add it to "
                    f'"{kind}" in "{lang}" (until then those pages show \'{name}\')',
                    lang,
                    kind,
                )
    return problems


def english_names(table, key):
    """{(kind, key of a translated name): (lang, English name)}: what a file that writes a name of
    another language ('Detención') means ('Detention'). A name the same in both languages
    ('Honduras') is not in it, nor one the table also has as an English name (a mistake of the
    table, which check_table reports). key: the key of a topic or country (topics.py)."""
    english = {key(name) for kinds in table.values() for names in kinds.values() for name in names}
    found = {}
    for lang in sorted(table):
        for kind in KINDS:
            for name, translated in sorted(table[lang].get(kind, {}).items()):
                if translated.strip() and key(translated) and key(translated) not in english:
                    found.setdefault((kind, key(translated)), (lang, name))
    return found


def name_in(table, lang, kind, name):
    """The name readers of `lang` see for a topic or country the content writes `name`."""
    translated = table.get(lang, {}).get(kind, {}).get(name)
    return translated if translated and translated.strip() else name
