"""The editor's contract, checked: every problem in the content, each naming file and field.

Pure functions over plain data (`Item`), so the rules are tested without a Pelican build.
`validate()` returns every problem at once; the caller decides what to do with them.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

DATE_HINT = "write it as YYYY-MM-DD, for example 2024-03-15"

# Fields an editor may write, by kind of item; anything else is probably a typo.
COMMON_FIELDS = {"title", "slug", "status", "lang", "translation", "template", "summary"}
ARTICLE_FIELDS = COMMON_FIELDS | {
    "date", "modified", "tags", "countries", "image", "image_alt", "actions", "related",
}
FIELDS_BY_TYPE = {
    "press-release": ARTICLE_FIELDS | {"location", "contact"},
    "update": ARTICLE_FIELDS,
    "case-study": ARTICLE_FIELDS | {"person", "case_status"},
}
PAGE_FIELDS = COMMON_FIELDS | {"save_as", "url", "date", "modified", "image", "image_alt"}
# Set by Pelican or by this plugin's reader, never by an editor.
INTERNAL_FIELDS = {"category", "reader", "_unreadable", "_missing", "typeset_summary", "reading_minutes"}

REQUIRED_BY_TYPE = {
    "press-release": ["location"],
    "update": [],
    "case-study": ["person", "case_status", "countries"],
}
REQUIRED_HINTS = {
    "title": "add a line such as 'Title: Judge halts deportation of four families'",
    "date": "add a line such as 'Date: 2024-03-15'",
    "summary": "add one or two sentences that say what this is about",
    "tags": "add at least one topic, such as 'Tags: detention, asylum'",
    "location": "add the dateline city, such as 'Location: Washington'",
    "person": "add the name of the person this case is about",
    "case_status": "add one of: {statuses}",
    "countries": "add the person's country first, such as 'Countries: El Salvador'",
}


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.field}: {self.message}"


@dataclass
class Item:
    """One content file as plain data: what the validator needs and nothing else."""

    path: str  # as the editor knows it, e.g. content/updates/judge-halts-deportations.md
    kind: str  # "article" or "page"
    folder: str  # first folder under content/ ("" for a file at the top)
    slug: str
    url: str  # where it is written, e.g. updates/judge-halts-deportations/index.html
    meta: dict = field(default_factory=dict)  # Pelican's metadata: lower-case keys


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
    return not re.sub(r"<[^>]*>|&nbsp;|\s", "", str(value))


def validate(items, content_types, case_statuses, reserved_urls, file_exists, slugify):
    """Every problem in `items`, sorted by path: an empty list means the content is good.

    content_types: folder -> {"type": ...}; case_statuses: the allowed Case_status values;
    reserved_urls: {output path: what the site writes there} for listings and other pages;
    file_exists(path under content/) -> bool; slugify(text) -> the slug Pelican would make.
    """
    problems = []
    for item in items:
        problems += check_item(item, content_types, case_statuses, file_exists)
    problems += check_unique_urls(items, reserved_urls)
    problems += check_spellings(items, "tags", slugify)
    problems += check_spellings(items, "countries", slugify)
    return sorted(set(problems), key=lambda p: (p.path, p.field, p.message))


def check_item(item, content_types, case_statuses, file_exists):
    meta = item.meta
    problems = []

    def problem(key, message):
        problems.append(Problem(item.path, field_name(key), message))

    if item.kind == "article":
        if item.folder not in content_types:
            folders = ", ".join(f"{f}/" for f in content_types)
            where = f"the folder '{item.folder}/'" if item.folder else "the top of content/"
            problem("folder", f"{where} is not a type of content; move the file into one of {folders}")
            return problems
        kind = content_types[item.folder]["type"]
        allowed = FIELDS_BY_TYPE.get(kind, ARTICLE_FIELDS)
        required = ["title", "date", "summary", "tags"] + REQUIRED_BY_TYPE.get(kind, [])
        category = meta.get("category")
        if category is not None and str(category) != item.folder:
            problem("category", f"remove this line: the folder ({item.folder}/) decides the type")
    else:
        kind = "page"
        allowed = PAGE_FIELDS
        required = ["title"]

    unreadable = meta.get("_unreadable", {})
    missing = set(meta.get("_missing", []))
    for key, raw in unreadable.items():
        if key in ("date", "modified"):
            shown = f"'{raw}' is not a date" if str(raw).strip() else "is empty"
            problem(key, f"{shown}; {DATE_HINT}")
        else:
            problem(key, f"'{raw}' could not be read")

    for key in required:
        if key in unreadable:
            continue
        if key in missing or key not in meta:
            hint = REQUIRED_HINTS[key].format(statuses=", ".join(case_statuses))
            problem(key, f"missing; {hint}")
        elif is_blank(meta[key]):
            hint = REQUIRED_HINTS[key].format(statuses=", ".join(case_statuses))
            problem(key, f"is empty; {hint}")

    for key, value in sorted(meta.items()):
        if isinstance(value, str) and value.strip().startswith("TODO"):
            problem(key, f"still holds the hint '{value.strip()[:60]}'; replace it with the real {field_name(key)}")

    for key in sorted(set(meta) - allowed - INTERNAL_FIELDS):
        guess = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
        hint = f"did you mean '{field_name(guess[0])}'?" if guess else "remove it or check the spelling"
        problem(key, f"is not a field this site knows; {hint}")

    date, modified = meta.get("date"), meta.get("modified")
    if (
        isinstance(date, datetime)
        and isinstance(modified, datetime)
        and "date" not in missing
        and modified < date
    ):
        problem("modified", f"{modified:%Y-%m-%d} is before the Date ({date:%Y-%m-%d}); it should be the day of the last real change")

    status = meta.get("case_status")
    if kind == "case-study" and not is_blank(status) and str(status).strip() not in case_statuses:
        problem("case_status", f"'{status}' is not a status this site knows; write one of: {', '.join(case_statuses)}")

    image, alt = meta.get("image"), meta.get("image_alt")
    if not is_blank(image):
        path = str(image).strip().lstrip("/")
        if not file_exists(path):
            problem("image", f"{path} is not in the content folder; add the file there or correct the path (such as images/photo.jpg)")
        if is_blank(alt):
            problem("image_alt", "missing; describe the image in a sentence for people who cannot see it")
    return problems


def check_unique_urls(items, reserved_urls):
    """Two files that would be written to one place (or a file over a listing) lose a page.

    Article slugs are unique site-wide (`Related:` and `Actions:` name articles by slug), except
    that a translation shares the slug of the article it translates.
    """
    problems = []
    by_slug = defaultdict(list)
    for item in items:
        if item.kind == "article":
            by_slug[item.slug, item.meta.get("lang", "")].append(item)
    for (slug, _lang), same in by_slug.items():
        for item in same[1:] if len(same) > 1 else []:
            first = same[0].path
            problems.append(Problem(item.path, "Slug", f"'{slug}' is already used by {first}; rename this file or add a different 'Slug:' line"))
            problems.append(Problem(first, "Slug", f"'{slug}' is also used by {item.path}; every article needs its own slug"))
    by_url = defaultdict(list)
    for item in items:
        by_url[item.url].append(item)
    for url, same in by_url.items():
        if not url:  # not written at all (a draft in a production build)
            continue
        if url in reserved_urls:
            for item in same:
                problems.append(Problem(item.path, "Slug", f"/{url.removesuffix('index.html')} is where the site puts {reserved_urls[url]}; rename the file or add a 'Slug:' line"))
        elif len(same) > 1 and len({i.kind for i in same}) > 1:
            for item in same:
                others = ", ".join(o.path for o in same if o is not item)
                problems.append(Problem(item.path, "Slug", f"/{url.removesuffix('index.html')} is also the address of {others}; rename one of them"))
    return problems


def check_spellings(items, key, slugify):
    """A topic or country written two ways ('Detention', 'detention') would split its page."""
    uses = defaultdict(lambda: defaultdict(list))  # slug -> spelling -> paths
    for item in items:
        for name in split_list(item.meta.get(key)):
            uses[slugify(name)][name].append(item.path)
    problems = []
    for spellings in uses.values():
        if len(spellings) < 2:
            continue
        # The spelling most files use is the one to keep; ties go to the first alphabetically.
        keep = min(spellings, key=lambda s: (-len(spellings[s]), s))
        for spelling, paths in spellings.items():
            if spelling == keep:
                continue
            for path in paths:
                problems.append(Problem(path, field_name(key), f"'{spelling}' is written '{keep}' in {spellings[keep][0]}; use one spelling everywhere"))
    return problems
