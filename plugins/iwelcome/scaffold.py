"""New content files for `invoke new KIND "Title"`: every required field present, each with a
hint of what goes there. A hint starts with TODO, and the build refuses a file that still has
one in any field or in the text, so a half-written file is never published. Pure functions:
tested without a build."""

import re

HINT = "TODO"

PAGE_TEXT = "the page's text."


def kinds_of_file(types, kinds):
    """{what `new` makes: (folder under content/, contract.Kind or None)}: each type of article by
    its type (press-release), an action, a page. types: {folder: Kind}; kinds: {kind: Kind}."""
    made = {kind.type: (folder, kind) for folder, kind in types.items()}
    made["action"] = ("actions", None)
    made["page"] = ("pages", None)
    return made


def header_fields(kind, lists):
    """[(Field as written, hint)] a new file of `kind` starts with, after its Title and Date: its
    required fields. lists: {setting name: values} for one-of fields (their hint lists them)."""
    hints = []
    for f in kind.fields.values():
        if not f.required or f.name in ("title", "date"):
            continue
        if f.check == "one-of" and f.choices in lists:
            hints.append((f.written, f"{HINT}: one of {', '.join(lists[f.choices])}"))
        else:
            hints.append((f.written, f"{HINT}: {f.about}" + (f", such as {f.example}" if f.example else "")))
    return hints


def action_fields(kinds):
    names = ", ".join(kinds)
    return [
        ("Kind", f"{HINT}: one of {names}"),
        ("Button", f"{HINT}: the button's label, such as Sign the petition"),
        ("Url", f"{HINT}: the https:// address where people take the action (a download has File: instead)"),
    ]


def is_hint(text):
    """Whether a field's value is still a hint like those `new` writes ('TODO: ...'): the word
    TODO in capitals first ('Todos los niños' is not one)."""
    return re.match(rf"{HINT}\b", str(text).strip()) is not None


def scaffold(what, title, today, slugify, types, kinds, lists=None):
    """(path under content/, file text) for a new item of `what` (a type of article, `action` or
    `page`) titled `title`. types: {folder: contract.Kind}; kinds: {action kind: contract.Kind};
    lists: {setting name: values} of one-of fields."""
    made = kinds_of_file(types, kinds)
    if what not in made:
        raise ValueError(f"'{what}' is not a kind of content; use one of: {', '.join(made)}")
    if re.search(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", title):
        raise ValueError("the title holds a line break; write it on one line")
    if not title.strip():
        raise ValueError("give the new item a title")
    if is_hint(title):
        raise ValueError("write the real title, not a TODO hint")
    if not slugify(title):
        raise ValueError(
            f"the title '{title.strip()}' has no letters or digits to make a file name from; "
            'give it a title with some, such as "Children at the border"'
        )
    folder, kind = made[what]
    header = [("Title", title.strip())]
    if kind is not None:
        header.append(("Date", f"{today:%Y-%m-%d}"))
        header += header_fields(kind, lists or {})
        text = kind.text
    elif what == "action":
        header += action_fields(kinds)
        text = "the short pitch: why act, in two or three sentences."
    else:
        text = PAGE_TEXT
    body = f"{HINT}: {text}"
    return f"{folder}/{slugify(title)}.md", "\n".join(f"{key}: {value}" for key, value in header) + f"\n\n{body}\n"


# --- A translation from its original: `new translation LANG content/FOLDER/FILE.md` -------------

HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):\s?(.*)$")
ADDRESS_FIELDS = ("save_as", "url")  # a home page's own address: the translation's is under /<lang>/


def split_file(text):
    """([(Field as written, value)], body) of a content file: its header up to the first blank line."""
    lines = text.splitlines()
    header = []
    for number, line in enumerate(lines):
        if not line.strip():
            return header, "\n".join(lines[number + 1 :]).strip("\n")
        match = HEADER_LINE.match(line)
        if not match:
            return header, "\n".join(lines[number:]).strip("\n")
        header.append((match.group(1), match.group(2).strip()))
    return header, ""


def translation(original, text, lang, language, translated, languages, default_lang, only_translated=False):
    """(path under content/, file text) of a translation into `lang` of the file `original` (its path
    under content/, such as 'updates/x.md') whose text is `text`.

    language: the language's name for the hints ('Arabic'); translated: the names of the fields a
    translation writes in its own language (the contract's `translated`); only_translated: an
    action, whose translation has only those fields (the rest comes from the original). Every
    translated field and the text get a TODO hint that quotes the original, so that the build
    refuses the file until it is written; the other fields are copied, a home page's address is
    moved under /<lang>/, and Slug, Lang and Translation are added."""
    if lang == default_lang or lang not in languages:
        others = ", ".join(code for code in languages if code != default_lang) or "none"
        raise ValueError(f"'{lang}' is not one of the site's other languages ({others}): add it to LANGUAGES first")
    header, body = split_file(text)
    fields = {name.lower(): value for name, value in header}
    if fields.get("lang") or fields.get("translation", "").lower() == "true":
        raise ValueError(f"{original} is itself a translation: make the new one from the original")
    if "title" not in fields:
        raise ValueError(f"{original} has no Title: is it a content file?")
    folder, _, name = original.rpartition("/")
    stem = name.removesuffix(".md")
    written = []
    for field, value in header:
        key = field.lower()
        if key in ("slug", "lang", "translation"):
            continue
        if key in translated:
            written.append((field, f"{HINT}: in {language}: {value}"))
        elif key in ADDRESS_FIELDS and not only_translated:
            written.append((field, f"{lang}/{value.lstrip('/')}"))
        elif not only_translated:
            written.append((field, value))
        if key == "title":
            written += [("Slug", fields.get("slug") or stem), ("Lang", lang), ("Translation", "true")]
    hint = f"{HINT}: write the text in {language}, from the original's below, then delete this line."
    lines = "\n".join(f"{field}: {value}" for field, value in written)
    return f"{folder}/{stem}-{lang}.md".lstrip("/"), f"{lines}\n\n{hint}\n\n{body}\n"
