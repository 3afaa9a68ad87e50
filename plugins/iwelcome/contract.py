"""The editor's contract as one table: every kind of file an editor writes and every field it has,
how each is checked, hinted in a new file and shown to readers.

The fields every article, page and call to action has are declared here (ARTICLE_FIELDS,
PAGE_FIELDS, ACTION_FIELDS). The types of article (CONTENT_TYPES: a folder each) and the kinds of
action (ACTION_KINDS) are settings (settings.py, overridable in pelicanconf.py): a new type or kind
is a change to that table, plus a template only when the new type needs a layout of its own.
Validation, `new`, the templates (labels, the facts block, JSON-LD, listings, menus), the action
checks and EDITING.md's field tables (`editing_tables`, kept in step by a test) all read it here.

Pure functions over plain data: tested without a build.
"""

import re
from dataclasses import dataclass, field, replace

CHECKS = {  # a field's `check` -> what an editor writes (EDITING.md says it so)
    "text": "text",
    "date": "a date",
    "day": "a date (a day)",
    "topics": "topics, separated by commas",
    "countries": "countries, separated by commas",
    "file": "a file in content/images/ or content/downloads/",
    "integer": "a whole number",
    "one-of": "one of a list",
    "contact": "Name, email, phone",
    "url": "an https:// address",
    "yes-no": "yes or no",
    "actions": "file names in content/actions/, without .md, separated by commas",
    "action": "the file name of an action, without .md",
    "articles": "file names of articles, without .md, separated by commas",
    "types": "types of article, separated by commas",
    "status": "draft, published or hidden",
    "address": "lower-case letters, digits and hyphens",
    "language": "a language of the site",
    "layout": "a layout of the site",
    "yes": "true",
}


@dataclass(frozen=True)
class Field:
    name: str  # as Pelican gives it, lower case: "case_status"
    check: str = "text"
    required: bool = False
    about: str = ""  # what to write: "the dateline city"
    example: str = ""  # "Washington"
    note: str = ""  # more, for EDITING.md: "shown as ..."
    label: str = ""  # how readers see it in an article's facts block ("" if it is not shown there)
    minimum: int | None = None  # integer
    choices: str = ""  # one-of: the setting that lists the values
    default: str = ""  # the setting whose value stands in when the field is absent
    translated: bool = False  # a translation writes it in its language (the rest comes from the original)

    @property
    def written(self):
        """'Case_status': the field as an editor writes it."""
        return self.name[:1].upper() + self.name[1:]

    def hint(self):
        """'the dateline city, such as Location: Washington' (for messages and `new`)."""
        return f"{self.about}, such as '{self.written}: {self.example}'" if self.example else self.about


def fields(*declared):
    return {f.name: f for f in declared}


ARTICLE_FIELDS = fields(
    Field(
        "title",
        required=True,
        translated=True,
        about="the headline",
        example="Judge halts deportation of four families",
    ),
    Field(
        "date",
        "date",
        required=True,
        about="the day it is published",
        example="2024-03-15",
        note="or `YYYY-MM-DD HH:MM` (New York time), or with an offset from UTC: `2027-06-20 09:00 +02:00`. Nothing "
        "else: `06/12/2026` could be June or December, and is refused. A date in the future is an embargo: the item "
        "is published by the first build after that moment",
    ),
    Field(
        "summary",
        required=True,
        translated=True,
        about="one or two sentences that say what this is about",
        note="plain text (no Markdown, no HTML: `<` shows as `<`); shown in listings and when the page is shared",
    ),
    Field(
        "tags",
        "topics",
        required=True,
        about="the topics, at least one",
        example="Detention, Asylum",
        note="separated by commas; in English, in translations too. Capitals and spaces do not make another "
        "topic: `detention` is shown as most files write it (`Detention`), and `check` warns; a new topic close to "
        "one the site has (`Detenton`) is a warning naming it",
    ),
    Field(
        "countries",
        "countries",
        about="the countries it is about",
        example="El Salvador, United States",
        note="separated by commas, in English, spelled as the other files spell them (`check` warns otherwise)",
    ),
    Field(
        "modified",
        "date",
        about="the date of the last real change, not before `Date`",
        example="2024-04-02",
        note='shown as "Updated"',
    ),
    Field(
        "image",
        "file",
        about="an image in `content/images/`, by its path inside `content/`",
        example="images/photo.jpg",
        note="`/images/photo.jpg` works too, but not `content/images/photo.jpg` nor `{static}/images/photo.jpg` "
        "(the text's form)",
    ),
    Field(
        "image_alt",
        translated=True,
        about="a sentence describing the image for people who cannot see it",
        note="required when there is an `Image`",
    ),
    Field(
        "actions",
        "actions",
        about="calls to action to show beside this item, first and in this order",
        example="free-sara-beltran-hernandez",
        note="file names in `content/actions/` without `.md`, separated by commas",
    ),
    Field(
        "related",
        "articles",
        about='items to show first under "Related updates", in this order',
        example="only-30-countries-offer-resettlement",
        note="file names without `.md`, separated by commas; `none` shows no related updates",
    ),
    Field("status", "status", about="`draft` keeps the item off the site while you work on it"),
    Field(
        "slug",
        "address",
        about="its address, when the file name should not be",
        example="judge-halts-deportations",
        note="lower-case letters, digits and hyphens",
    ),
    Field("lang", "language", about="the language of a translation (see Translations)", example="es"),
    Field("translation", "yes", about="`true` in a translation", example="true"),
    Field("template", "layout", about="not needed: an article's layout is its type's"),
)
PAGE_FIELDS = fields(
    Field("title", required=True, about="the page's title", example="About the campaign", translated=True),
    Field("summary", about="one or two sentences, used when the page is shared", translated=True),
    *(
        f
        for name, f in ARTICLE_FIELDS.items()
        if name in ("slug", "lang", "translation", "status", "image", "image_alt")
    ),
    Field("template", "layout", about="`page` (the default), or `home` for the home page", example="home"),
    Field("save_as", "address", about="the file it is written to, for a home page", example="es/index.html"),
    Field("url", "address", about="its address, for a home page", example="es/"),
    Field("date", "date", about="a date in the future is an embargo", example="2027-06-20"),
    Field("modified", "date", about="the date of the last real change", example="2024-04-02"),
)
ACTION_FIELDS = fields(
    Field("title", required=True, about="the ask", example="Tell DHS to stop jailing asylum seekers", translated=True),
    Field("kind", "one-of", required=True, about="what kind of action (the kinds are below)", choices="ACTION_KINDS"),
    Field("button", required=True, about="the button's label", example="Sign the petition", translated=True),
    Field(
        "url",
        "url",
        about="where people take the action",
        example="https://act.example.org/petitions/protect-children",
        note="must start with `https://`; required for most kinds (below)",
    ),
    Field(
        "file",
        "file",
        about="the file to download, in `content/downloads/` or `content/images/`",
        example="downloads/iwelcome-activist-toolkit.pdf",
        note="for a `download`",
    ),
    Field("tags", "topics", about="who it is for: topics as articles write them", example="Children"),
    Field("countries", "countries", about="... countries as articles write them", example="United States, Mexico"),
    Field("types", "types", about="... and types of article", example="case-study"),
    Field(
        "priority",
        "integer",
        about="a whole number, default 0; higher comes first when two actions fit an article equally",
        example="1",
    ),
    Field(
        "default",
        "yes-no",
        about="`yes` for the one action shown when nothing else fits",
        note="only one action can be the default",
    ),
    Field(
        "starts",
        "day",
        about="the day it opens",
        example="2016-09-15",
        note="a day: actions open and close by the day, New York time. Before `Starts` the action appears nowhere "
        "on the public site: no page, not in `actions.json`, not beside articles nor in their text (the preview "
        "shows it, with a banner). For an event, the day it takes place: it is shown before it starts",
    ),
    Field(
        "ends",
        "day",
        about="the last day it is open",
        example="2017-03-31",
        note="after it the action closes by itself, with no edit",
    ),
    Field(
        "outcome", "one-of", about="`live` (the default), `victory` or `closed`", example="victory", choices="OUTCOMES"
    ),
    Field(
        "victory", about="the text shown once the action is won or closed, e.g. thanking supporters", translated=True
    ),
    Field(
        "followup",
        "action",
        about="the slug of the next action to offer when this one is won or closed",
        note="if that one is closed too, the site follows its `Followup`, and so on, to the first action that is "
        "live; a chain that goes round in a loop stops the build",
    ),
    Field("summary", about="one line about it, for partner sites"),
    Field("slug", "address", about="its address, when the file name should not be"),
    Field("lang", "language", about="the language of a translation", example="es"),
    Field("translation", "yes", about="`true` in a translation", example="true"),
)


@dataclass(frozen=True)
class Kind:
    """A type of article (folder, type) or a kind of action (type = the kind)."""

    type: str  # press-release; petition
    label: str  # Press release; Petition
    plural: str  # Press releases; Petitions
    folder: str = ""  # press-releases (types of article)
    all: str = ""  # All press releases (types of article; its plural when not declared)
    schema: str = "Article"  # schema.org type of its JSON-LD
    template: str = "article"  # its layout in theme/templates/ (types of article)
    fields: dict = field(default_factory=dict)  # name -> Field: every field it has, the common ones included
    text: str = ""  # the hint `new` writes for the text

    @property
    def menu_item(self):
        """(label, link) of its listing in the main menu (types of article)."""
        return self.plural, f"/{self.folder}/"

    @property
    def required(self):
        return [f for f in self.fields.values() if f.required]

    @property
    def shown(self):
        """The fields readers see in the facts block, in their order."""
        return [f for f in self.fields.values() if f.label]


def _merged(common, declared):
    """The common fields with the declared ones added, or changed where they share a name."""
    merged = dict(common)
    for name, values in (declared or {}).items():
        merged[name] = replace(merged[name], **values) if name in merged else Field(name, **values)
    return merged


def content_types(declared):
    """{folder: Kind} from the CONTENT_TYPES setting."""
    return {
        folder: Kind(
            type=kind["type"],
            label=kind["label"],
            plural=kind.get("plural", kind["label"]),
            folder=folder,
            all=kind.get("all") or kind.get("plural", kind["label"]),
            schema=kind.get("schema", "Article"),
            template=kind.get("template", "article"),
            fields=_merged(ARTICLE_FIELDS, kind.get("fields")),
            text=kind.get("text", "the text. Use ## for subheadings."),
        )
        for folder, kind in declared.items()
    }


def action_kinds(declared):
    """{kind: Kind} from the ACTION_KINDS setting, in the Get Involved page's order."""
    return {
        name: Kind(
            type=name,
            label=kind["label"],
            plural=kind.get("plural", kind["label"]),
            fields=_merged(ACTION_FIELDS, kind.get("fields")),
            text=kind.get("text", "the short pitch: why act, in two or three sentences."),
        )
        for name, kind in declared.items()
    }


def by_type(types):
    """{press-release: Kind} from {folder: Kind}."""
    return {kind.type: kind for kind in types.values()}


# --- EDITING.md's tables ----------------------------------------------------------------------


def field_rows(kind_fields, common=None, lists=None):
    """Markdown rows `| Field | required | what to write |` of the fields not in `common` (or
    whose `required` differs from it). lists: {setting name: values} of one-of fields."""
    rows = []
    for f in kind_fields.values():
        if common is not None and f.name in common and common[f.name].required == f.required:
            continue
        what = f.about or CHECKS.get(f.check, f.check)
        if f.check == "one-of" and f.choices in (lists or {}):
            what += ": one of " + ", ".join(f"`{value}`" for value in lists[f.choices])
        elif f.example:
            what += f", e.g. `{f.example}`"
        if f.note:
            what += f"; {f.note}"
        rows.append(f"| `{f.written}` | {'yes' if f.required else 'no'} | {what} |")
    return rows


def editing_tables(types, kinds, lists=None):
    """{marker: Markdown} for EDITING.md, between `<!-- contract: marker -->` and
    `<!-- /contract -->`: every article's fields, each type's own (a heading and a table each), a
    page's, every action's, and the kinds of action."""
    head = ["| field | required | what to write |", "|---|---|---|"]
    sections = []
    for kind in types.values():
        rows = field_rows(kind.fields, ARTICLE_FIELDS, lists)
        if rows:
            sections.append("\n".join([f"### {kind.plural}, also", "", *head, *rows]))
    kinds_head = ["| kind | shown as | fields of its own |", "|---|---|---|"]
    kind_rows = []
    for name, kind in kinds.items():
        own = [
            f"`{f.written}`{' (required)' if f.required else ''}"
            for f in kind.fields.values()
            if f.name not in ACTION_FIELDS or ACTION_FIELDS[f.name].required != f.required
        ]
        kind_rows.append(f"| `{name}` | {kind.label} | {', '.join(own) or 'none'} |")
    own_fields = {}  # the fields only some kinds have, each once, with the kinds that have it
    for name, kind in kinds.items():
        for f in kind.fields.values():
            if f.name not in ACTION_FIELDS:
                own_fields.setdefault(f.name, (f, []))[1].append(f"`{name}`")
    own_rows = []
    for f, names in own_fields.values():
        row = field_rows({f.name: f}, None, lists)[0].split(" | ")
        own_rows.append(" | ".join([row[0], ", ".join(names), *row[2:]]))
    return {
        "article-fields": "\n".join(head + field_rows(ARTICLE_FIELDS)),
        "type-fields": "\n\n".join(sections),
        "page-fields": "\n".join(head + field_rows(PAGE_FIELDS)),
        "action-fields": "\n".join(head + field_rows(ACTION_FIELDS)),
        "action-kinds": "\n".join(kinds_head + kind_rows)
        + ("\n\n" + "\n".join(["| field | kinds | what to write |", "|---|---|---|", *own_rows]) if own_rows else ""),
    }


MARKER = re.compile(r"(<!-- contract: ([\w:-]+) -->\n)(.*?)(<!-- /contract -->)", re.DOTALL)


def with_tables(text, tables):
    """EDITING.md's text with every marked table replaced by the contract's."""
    return MARKER.sub(lambda m: f"{m.group(1)}{tables[m.group(2)]}\n{m.group(4)}", text)
