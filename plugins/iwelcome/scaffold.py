"""New content files for `invoke new KIND "Title"`: every required field present, each with a
hint of what goes there. A hint starts with TODO, and the build refuses a file that still has
one in any field or in the text, so a half-written file is never published. Pure functions:
tested without a build."""

import re

HINT = "TODO"

KINDS = {
    # kind: (folder under content/, [(field, hint)], hint for the text)
    "press-release": (
        "press-releases",
        [
            ("Summary", "TODO: one or two sentences that say what happened (shown in listings and share cards)"),
            ("Tags", "TODO: the topics, separated by commas, such as Detention, Asylum"),
            ("Location", "TODO: the dateline city, such as Washington"),
        ],
        "TODO: the release. Start with the news; the dateline and the media contact are added for you.",
    ),
    "update": (
        "updates",
        [
            ("Summary", "TODO: one or two sentences that say what this update is about"),
            ("Tags", "TODO: the topics, separated by commas, such as Resettlement, Funding"),
        ],
        "TODO: the update. Use ## for subheadings.",
    ),
    "case-study": (
        "case-studies",
        [
            ("Summary", "TODO: one or two sentences about the person and the case"),
            ("Tags", "TODO: the topics, separated by commas, such as Detention, Health care"),
            ("Countries", "TODO: the person's own country first, such as El Salvador, United States"),
            ("Person", "TODO: the person's name"),
            ("Case_status", "TODO: one of detained, at-risk, released, resolved"),
        ],
        "TODO: the person's story. Use ## for subheadings.",
    ),
    "action": (
        "actions",
        [
            ("Kind", "TODO: one of petition, letter, call, donate, download, share, event, signup"),
            ("Button", "TODO: the button's label, such as Sign the petition"),
            ("Url", "TODO: the https:// address where people take the action (a download has File: instead)"),
        ],
        "TODO: the short pitch: why act, in two or three sentences.",
    ),
    "page": ("pages", [], "TODO: the page's text."),
}
DATED = {"press-release", "update", "case-study"}


def is_hint(text):
    """Whether a field's value is still a hint like those `new` writes ('TODO: ...'): the word
    TODO in capitals first ('Todos los niños' is not one)."""
    return re.match(rf"{HINT}\b", str(text).strip()) is not None


def scaffold(kind, title, today, slugify):
    """(path under content/, file text) for a new item of `kind` titled `title`."""
    if kind not in KINDS:
        raise ValueError(f"'{kind}' is not a kind of content; use one of: {', '.join(KINDS)}")
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
    folder, fields, body = KINDS[kind]
    header = [("Title", title.strip())]
    if kind in DATED:
        header.append(("Date", f"{today:%Y-%m-%d}"))
    header += fields
    text = "\n".join(f"{key}: {value}" for key, value in header) + f"\n\n{body}\n"
    return f"{folder}/{slugify(title)}.md", text
