"""Calls to action ("Get involved"): parse the action files, check them, decide which are live,
and choose the ones shown beside each article. Pure functions over plain data.

An action file is `content/actions/<slug>.md`; EDITING.md documents its fields.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from . import contract, dates, validation
from .markup import text_of
from .settings import DEFAULTS
from .suggestions import did_you_mean
from .topics import topic_key
from .validation import (
    Problem,
    check_file_field,
    field_name,
    is_blank,
    reader_problems,
    split_list,
    translation_line,
)

# The kinds of action, their names and their fields: the ACTION_KINDS setting, read through
# contract.py (DEFAULT_KINDS: the plugin's own, for callers that do not pass a site's).
DEFAULT_KINDS = contract.action_kinds(DEFAULTS["ACTION_KINDS"])
OUTCOMES = ("live", "victory", "closed")
# An action file's fields that no editor writes: those of an article's (validation.py), and what
# Pelican's reader of action files sets from the file itself.
INTERNAL_FIELDS = validation.INTERNAL_FIELDS | {"date", "slug", "lang"}
YES, NO = {"yes", "true", "1"}, {"no", "false", "0", ""}


@dataclass(frozen=True)
class Action:
    slug: str
    path: str
    title: str  # HTML: escaped text, typographically improved
    kind: str
    button: str
    pitch: str = ""  # HTML, from the file's body
    url: str = ""
    file: str = ""
    tags: tuple = ()
    countries: tuple = ()
    types: tuple = ()
    priority: int = 0
    default: bool = False
    starts: date | None = None
    ends: date | None = None
    outcome: str = "live"
    victory: str = ""
    followup: str = ""
    goal: int | None = None
    signatures: int | None = None
    state: str = "live"  # the outcome as of the build: live, scheduled, victory or closed
    next: str = ""  # for an action that is not live: the first live action its Followup chain reaches
    banner: str = ""  # in a preview, why this is not public yet

    @property
    def is_live(self):
        return self.state == "live"

    def link(self, placement, site_url="", tracking=True):
        """Where the button goes, tagged with the placement (sidebar, inline, home, hub)."""
        if self.kind == "download":
            return f"{site_url}/{self.file}"
        return tracked_url(self.url, self.slug, placement) if tracking else self.url

    def progress(self):
        """(goal shown, percent) for a petition's bar; the goal climbs a ladder once reached."""
        if self.goal is None:
            return None
        signatures = self.signatures or 0
        shown = goal_ladder(self.goal, signatures)
        return shown, min(100, signatures * 100 // shown)


def goal_ladder(goal, signatures):
    """The goal to show: the editor's, or once reached the next step of 1-2.5-5 x 10^n above it."""
    if signatures < goal:
        return goal
    step = 10 ** (len(str(goal)) - 1)
    while True:
        for factor in (1, 2.5, 5):
            candidate = int(step * factor)
            if candidate > signatures and candidate > goal:
                return candidate
        step *= 10


def tracked_url(url, slug, placement):
    """The URL with utm_source/medium/campaign added, keeping its own query and fragment."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [("utm_source", "iwelcome"), ("utm_medium", placement), ("utm_campaign", slug)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_action(
    slug,
    path,
    meta,
    pitch,
    file_exists,
    content_types,
    static_folders=("images", "downloads"),
    kinds=DEFAULT_KINDS,
    known_files=(),
):
    """(Action or None, [Problem]) from one action file's metadata and body HTML."""
    problems = []

    def problem(key, message):
        problems.append(Problem(path, field_name(key), message))

    def text(key):
        value = meta.get(key)
        return "" if is_blank(value) else str(value).strip()

    def integer(key, minimum, default=None):
        raw = text(key)
        if not raw:
            return default
        if not re.fullmatch(r"-?\d+", raw.replace(",", "")) or int(raw.replace(",", "")) < minimum:
            what = "a whole number" if minimum is None or minimum < 0 else f"a whole number of at least {minimum}"
            problem(key, f"'{raw}' is not {what}")
            return default
        return int(raw.replace(",", ""))

    def day(key):
        raw = text(key)
        if not raw:
            return None
        try:
            moment = dates.parse_date(raw)
        except dates.DateError as error:
            problem(key, str(error))
            return None
        if moment.tzinfo is not None or moment.time() != datetime.min.time() or len(raw) > 10:
            problem(key, f"an action opens and closes by the day; write only the date, such as {moment:%Y-%m-%d}")
            return None
        return moment.date()

    problems += reader_problems(path, meta)
    if meta.get("_refused"):
        return None, problems

    for key in ("title", "kind", "button"):
        if not text(key):
            problem(
                key,
                "missing; "
                + {
                    "title": "add the ask, such as 'Title: Tell DHS to stop jailing asylum seekers'",
                    "kind": "add one of: " + ", ".join(kinds),
                    "button": "add the button's label, such as 'Button: Sign the petition'",
                }[key],
            )
    kind = text("kind").lower()
    if kind and kind not in kinds:
        problem(
            "kind",
            f"'{text('kind')}' is not a kind of action; write one of: {', '.join(kinds)}"
            + did_you_mean(kind, kinds, 0.6),
        )

    declared = kinds[kind].fields if kind in kinds else contract.ACTION_FIELDS
    allowed = set(declared)
    for key in sorted(set(meta) - allowed - INTERNAL_FIELDS):
        others = [k for k, other in kinds.items() if key in other.fields]
        hint = f"only {' and '.join(others)} actions have one" if others else "remove it or check the spelling"
        what = f"a{'n' if kind[:1] in 'aeiou' else ''} {kind} action" if kind in kinds else "an action"
        problem(key, f"is not a field of {what}; {hint}")

    url = text("url")
    if kind in kinds and declared["url"].required and not url:
        problem("url", "missing; add the https:// address where people take this action")
    if url:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc:
            problem("url", f"'{url}' is not a web address starting with https://; write the full https:// address")
            url = ""
    file = text("file").lstrip("/")
    if kind in kinds and declared["file"].required:
        if not file:
            problem("file", "missing; add the path of the file to download, such as downloads/toolkit.pdf")
        else:
            problems.extend(check_file_field(path, "file", text("file"), static_folders, file_exists, known_files))

    types = tuple(t.lower() for t in split_list(meta.get("types")))
    known_types = [kind_.type for kind_ in content_types.values()]
    for unknown in [t for t in types if t not in known_types]:
        problem(
            "types",
            f"'{unknown}' is not a type of article; write one of: {', '.join(known_types)}"
            + did_you_mean(unknown, known_types, 0.6),
        )

    default = text("default").lower()
    if default not in YES | NO:
        problem("default", f"'{text('default')}' should be 'yes' or 'no'")
    outcome = text("outcome").lower() or "live"
    if outcome not in OUTCOMES:
        problem(
            "outcome",
            f"'{text('outcome')}' is not an outcome; write one of: {', '.join(OUTCOMES)}"
            + did_you_mean(outcome, OUTCOMES, 0.6),
        )

    starts, ends = day("starts"), day("ends")
    if starts and ends and ends < starts:
        problem("ends", f"{ends} is before Starts ({starts})")
    goal = integer("goal", declared["goal"].minimum) if "goal" in declared else None
    signatures = integer("signatures", declared["signatures"].minimum) if "signatures" in declared else None
    priority = integer("priority", -(10**9), default=0)

    if problems:
        return None, problems
    return Action(
        slug=slug,
        path=path,
        title=str(meta["title"]),
        kind=kind,
        button=text("button"),
        pitch=pitch or "",
        url=url,
        file=file,
        tags=tuple(split_list(meta.get("tags"))),
        countries=tuple(split_list(meta.get("countries"))),
        types=types,
        priority=priority,
        default=default in YES,
        starts=starts,
        ends=ends,
        outcome=outcome,
        victory=text("victory"),
        followup=text("followup"),
        goal=goal,
        signatures=signatures,
    ), []


TRANSLATED_FIELDS = tuple(name for name, f in contract.ACTION_FIELDS.items() if f.translated)  # title, button, victory


def parse_translation(slug, path, meta, pitch):
    """({field: text} or None, [Problem]) from a translated action file (`Lang:` and the
    original's `Slug:`): only the words change; kind, links, dates and numbers are the original's."""
    problems = reader_problems(path, meta)
    if meta.get("_refused"):
        return None, problems
    for key in ("title", "button"):
        if is_blank(meta.get(key)):
            problems.append(Problem(path, field_name(key), "missing; translate the original's"))
    problems += translation_line(path, meta, meta.get("lang"))
    allowed = set(TRANSLATED_FIELDS) | {"lang", "translation"} | INTERNAL_FIELDS
    for key in sorted(set(meta) - allowed):
        problems.append(
            Problem(
                path,
                field_name(key),
                "is not translated: a translation has only Title, Button, Victory and the text; "
                "the rest comes from the original",
            )
        )
    if problems:
        return None, problems
    texts = {key: str(meta[key]).strip() for key in TRANSLATED_FIELDS if not is_blank(meta.get(key))}
    texts["pitch"] = pitch or ""
    return texts, []


def in_language(actions, texts_by_slug):
    """The actions with their translated words where there are some."""
    return [replace(a, **texts_by_slug[a.slug]) if a.slug in texts_by_slug else a for a in actions]


def check_actions(actions):
    """Problems between action files: unknown follow-ups, Followup loops, more than one default."""
    slugs = {a.slug for a in actions}
    problems = [
        Problem(
            a.path,
            "Followup",
            f"'{a.followup}' is not an action; write the file name of one in content/actions/ (without .md)"
            + did_you_mean(a.followup, slugs),
        )
        for a in actions
        if a.followup and a.followup not in slugs
    ]
    by_slug = {a.slug: a for a in actions}
    for action in actions:
        loop = followup_loop(action.slug, by_slug)
        if loop and loop[0] == action.slug:  # reported once, on each action of the loop
            problems.append(
                Problem(
                    action.path,
                    "Followup",
                    f"the follow-ups go round in a loop ({' → '.join(loop)}); "
                    "end the chain with an action that is live, or remove a Followup line",
                )
            )
    defaults = sorted(a.path for a in actions if a.default)
    for path in defaults[1:]:
        problems.append(Problem(path, "Default", f"{defaults[0]} is already the default action; only one can be"))
    return problems


def followup_loop(slug, by_slug):
    """The loop [slug, ..., slug] when following Followup from `slug` comes back to it, else []."""
    seen, current = [slug], by_slug[slug].followup
    while current in by_slug:
        if current == slug:
            return [*seen, slug]
        if current in seen:
            return []  # a loop further on, reported from its own actions
        seen.append(current)
        current = by_slug[current].followup
    return []


def targeting_warnings(actions, topics, countries, key=topic_key):
    """Warnings: an action's `Tags:` or `Countries:` name that no article has ('Detenton'): the
    action is never chosen for it. topics, countries: the names the articles write."""
    warnings = []
    for action in actions:
        for name_field, names, known in (("Tags", action.tags, topics), ("Countries", action.countries, countries)):
            keys = {key(name) for name in known}
            for name in names:
                if key(name) not in keys:
                    noun = "topic" if name_field == "Tags" else "country"
                    warnings.append(
                        Problem(
                            action.path,
                            name_field,
                            f"'{name}' is the {noun} of no article, so this action is never chosen for it"
                            + (did_you_mean(name, known) or f"; write a {noun} as the articles write it"),
                        )
                    )
    return warnings


def followup_warnings(actions):
    """Warnings, as of the build: a closed or won action whose Followup chain reaches no live action."""
    by_slug = {a.slug: a for a in actions}
    return [
        Problem(
            a.path,
            "Followup",
            f"no action that is live follows '{a.slug}' ({' → '.join(_chain(a.slug, by_slug))}); "
            "it is shown without a next step, and not beside articles once closed",
        )
        for a in actions
        if a.followup and a.state in ("closed", "victory") and not a.next and a.followup in by_slug
    ]


def _chain(slug, by_slug):
    chain = [slug]
    while by_slug[chain[-1]].followup in by_slug and by_slug[chain[-1]].followup not in chain:
        chain.append(by_slug[chain[-1]].followup)
    return chain


def first_live(action, by_slug):
    """The first live action on `action`'s Followup chain (not itself), or ''."""
    for slug in _chain(action.slug, by_slug)[1:]:
        if by_slug[slug].is_live:
            return slug
    return ""


def worth_showing(action):
    """Whether a box for this action gives a reader something: an action to take, a victory to
    read of, or a next step. A closed action with nowhere to go, or one not open yet, is not."""
    return action.is_live or action.state == "victory" or (action.state == "closed" and bool(action.next))


def check_references(path, named, inline, slugs, stray=0):
    """Problems with the actions an article names in `Actions:` or in its body.

    stray: how many `[action:` markers are not on a line of their own (so would show as text).
    """
    problems = (
        [
            Problem(
                path,
                "Body",
                "write each [action: slug] marker on a line of its own, with a blank line before and after",
                locate="[action:",
            )
        ]
        if stray
        else []
    )
    problems += [
        Problem(
            path,
            "Actions",
            f"'{slug}' is not an action; write the file name of one in content/actions/ (without .md)"
            + did_you_mean(slug, slugs),
        )
        for slug in named
        if slug not in slugs
    ]
    problems += [
        Problem(
            path,
            "Body",
            f"[action: {slug}] names no action; write the file name of one in content/actions/ (without .md)"
            + did_you_mean(slug, slugs),
            locate=f"[action: {slug}",
        )
        for slug in inline
        if slug not in slugs
    ]
    return problems


def as_of(actions, today, preview=False):
    """The actions with their state on `today`: closed after Ends, scheduled before Starts, and
    for each that is not live the first live action its Followup chain reaches.

    An event's Starts and Ends are the days it takes place, so it is promoted before it starts.
    A scheduled action appears nowhere public; in a preview it is shown as live, with a banner.
    """

    def state(action):
        if action.outcome != "live":
            return action.outcome
        if action.ends and action.ends < today:
            return "closed"
        if action.starts and action.starts > today and action.kind != "event":
            return "scheduled"
        return "live"

    dated = [replace(action, state=state(action)) for action in actions]
    if preview:
        dated = [
            replace(
                a,
                state="live",
                banner=f"Scheduled: this action opens on {a.starts:%B} {a.starts.day}, {a.starts.year}.",
            )
            if a.state == "scheduled"
            else a
            for a in dated
        ]
    by_slug = {a.slug: a for a in dated}
    return [a if a.is_live else replace(a, next=first_live(a, by_slug)) for a in dated]


def select_actions(named, tags, countries, kind, actions, maximum, shown_inline=()):
    """The actions beside one article, best first (see Chooser.select)."""
    return Chooser(actions).select(named, tags, countries, kind, maximum, shown_inline)


def targets(action, key=topic_key):
    """What an action is aimed at: {("tag", topic key), ("country", key), ("type", type)}."""
    return frozenset(
        [("tag", key(t)) for t in action.tags]
        + [("country", key(c)) for c in action.countries]
        + [("type", t) for t in action.types]
    )


class Chooser:
    """Chooses the actions beside articles; built once per build, with live actions indexed by
    what they target so an article looks only at the actions aimed at it. `key`: the topic key
    (topics.py), the same the topic pages use."""

    def __init__(self, actions, key=topic_key):
        self.key = key
        self.by_slug = {a.slug: a for a in actions}
        self.aimed_at = {}
        for action in actions:
            if action.is_live:
                for target in targets(action, key):
                    self.aimed_at.setdefault(target, []).append(action)
        self.default = [a for a in actions if a.default and a.is_live]
        # Among actions aimed at an article as many times: by Priority, then newest Starts, then slug.
        self.rank = {id(a): (-a.priority, -(a.starts or date.min).toordinal(), a.slug) for a in actions}

    def select(self, named, tags, countries, kind, maximum, shown_inline=()):
        """named: the article's own `Actions:` slugs, shown first in their order (a closed one
        too, so it can show its outcome and offer its follow-up); then other live actions aimed
        at its topics, countries or type, by how many targets match, then Priority, then newest
        Starts, then slug; the default action when nothing else applies. Never more than
        `maximum`, and never one the article already shows in its text (`shown_inline`).
        """
        chosen = [
            self.by_slug[s]
            for s in dict.fromkeys(named)
            if s in self.by_slug and worth_showing(self.by_slug[s]) and s not in shown_inline
        ]
        # A closed action offers its follow-up itself: that one is not offered twice.
        taken = {a.slug for a in chosen} | {a.next for a in chosen if not a.is_live} | set(shown_inline)
        wanted = {("tag", self.key(t)) for t in tags} | {("country", self.key(c)) for c in countries} | {("type", kind)}
        # Counted by identity: hashing an Action (a frozen dataclass) hashes every field of it.
        matches, met = {}, {}
        for target in wanted:
            for action in self.aimed_at.get(target, ()):
                matches[id(action)] = matches.get(id(action), 0) + 1
                met[id(action)] = action
        ranked = sorted(
            (a for a in met.values() if a.slug not in taken),
            key=lambda a: (-matches[id(a)], self.rank[id(a)]),
        )
        chosen += ranked
        if not chosen:
            chosen = [a for a in self.default if a.slug not in shown_inline]
        return chosen[:maximum]


def share_links(page_url, title):
    """[(label, href)]: plain links that open each service's own share form; nothing is loaded."""
    text = f"{title} {page_url}"
    return [
        ("Email", "mailto:?" + urlencode({"subject": title, "body": text}, quote_via=quote)),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text}, quote_via=quote)),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text}, quote_via=quote)),
        ("X", "https://x.com/intent/post?" + urlencode({"text": title, "url": page_url}, quote_via=quote)),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": page_url}, quote_via=quote)),
    ]


def hub_groups(actions, kinds=DEFAULT_KINDS):
    """The /get-involved/ page: live actions grouped by kind (in the order of `kinds`), then past ones."""
    live = [a for a in actions if a.is_live]
    groups = [(kind, sorted((a for a in live if a.kind == kind), key=_rank)) for kind in kinds]
    past = sorted(
        (a for a in actions if a.state in ("victory", "closed")),
        key=lambda a: (-(a.ends or a.starts or date.min).toordinal(), a.slug),
    )
    return [(kind, group) for kind, group in groups if group], past


def _rank(action):
    return (-action.priority, -(action.starts or date.min).toordinal(), action.slug)


def feed_entries(actions, site_url, action_url):
    """The live actions for /get-involved/actions.json, as plain JSON-ready dicts."""
    return [
        {
            "slug": a.slug,
            "kind": a.kind,
            "title": _plain(a.title),
            "url": a.link("feed", site_url, tracking=False) if a.kind != "share" else None,
            "page": f"{site_url}/{action_url.format(slug=a.slug)}",
            "button": a.button,
            "starts": a.starts.isoformat() if a.starts else None,
            "ends": a.ends.isoformat() if a.ends else None,
            "outcome": a.state,
            "goal": a.goal,
            "signatures": a.signatures,
        }
        for a in sorted((a for a in actions if a.is_live), key=_rank)
    ]


def _plain(html):
    return text_of(html)
