"""Reading content so that no file is silently dropped, nothing outside the content folder is read,
metadata is text and the text's HTML passes the allowlist.

Pelican skips a file whose Date it cannot parse, or that has no Title or Date, and the build
goes on without it. Here such a file is kept, with what was wrong recorded in its metadata, so
that validation can name the file and the field:

- `_refused`: the file was not read at all (a symbolic link, not UTF-8 text): (line, message);
- `_unreadable`: {field: raw value} for values that could not be parsed (dates: dates.py);
- `_missing`: required fields Pelican could not do without (set by the generators' receivers);
- `_hints`: {field: raw value} for fields that still hold a `new` hint (TODO ...);
- `_invalid`: {field: (raw value, why)} for Slug, Lang, Save_as or URL values that cannot be
  used (validation.address_problem), dropped before Pelican works out where the file goes, and
  for a Status that is not one (read as draft);
- `_control`: [(line, field, character)] for control characters in the text (confinement.py);
- `_markup`: [(message, text to find in the file)] for HTML the allowlist dropped (markup.py);
- `_action_slots`, `_stray_markers`: the `[action: slug]` lines of the text, and markers that
  are not on a line of their own.

What a reader returns is what Pelican's content cache keeps, so typogrify runs here too (when
TYPOGRIFY_IN_READER is set) and a rebuild does not do the work again for unchanged files.
"""

import hashlib
import html
import os
import re
from datetime import datetime
from pathlib import Path

import smartypants
from pelican.readers import MarkdownReader
from typogrify.filters import amp, caps, initial_quotes, process_ignores, widont

from . import confinement, dates, markup, parallel_reading, validation
from .articles import reading_minutes
from .scaffold import is_hint
from .settings import setting
from .suggestions import did_you_mean
from .topics import key_maker

# What Pelican cannot build a page without, and a stand-in used only until validation fails.
PLACEHOLDERS = {"title": "", "date": datetime(1970, 1, 1)}
DATE_FIELDS = ("date", "modified")  # Pelican's; an action's Starts and Ends are read by actions.py
STATUSES = ("published", "draft", "hidden")
TEXT_FIELDS = ("title", "summary")  # shown as typeset text: escaped here, then typogrified
ACTION_MARKERS = "iwelcome.action_markers"


class _Unreadable:
    """What process_metadata gives for a value it could not parse; read() takes it out."""


UNREADABLE = _Unreadable()


class EditorMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, with the checks above."""

    takes_what_helpers_read = True  # parallel_reading.py: a helper process may have read the file

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._unreadable, self._hints, self._invalid = {}, {}, {}
        self._is_action = False
        self._slugify = key_maker(self.settings)  # remembered: every file of a folder has its name for category
        self._languages = tuple(dict.fromkeys([self.settings["DEFAULT_LANG"], *setting(self.settings, "LANGUAGES")]))
        extensions = self.settings["MARKDOWN"]["extensions"]
        if ACTION_MARKERS not in extensions:
            extensions.append(ACTION_MARKERS)

    def read(self, source_path):
        read_elsewhere = parallel_reading.take(source_path)
        if read_elsewhere is not None:
            return read_elsewhere
        self._control = []
        refused = self._refusal(source_path)
        if refused:
            return "", {"title": "", "_refused": refused}
        self._unreadable, self._hints, self._invalid = {}, {}, {}
        # An action's Url is where readers act, not its address on this site (actions.py checks it).
        folder = setting(self.settings, "ACTIONS_PATH").strip("/")
        self._is_action = (
            os.path.relpath(source_path, self.settings["PATH"]).replace(os.sep, "/").startswith(folder + "/")
        )
        content, metadata = super().read(source_path)
        metadata = {key: value for key, value in metadata.items() if value is not UNREADABLE}
        if self._unreadable:
            metadata["_unreadable"] = self._unreadable
        if self._hints:
            metadata["_hints"] = self._hints
        if "slug" not in metadata:
            self._address_from_name(source_path, metadata)
        if self._invalid:
            metadata["_invalid"] = self._invalid
        if self._control:
            metadata["_control"] = self._control

        found, slots = markup.findings(content)
        if found:
            metadata["_markup"] = [(f.message, f.locate) for f in found]
        content = markup.sanitize(content)
        if slots:
            metadata["_action_slots"] = slots
        stray = content.count("[action:")
        if stray:
            metadata["_stray_markers"] = stray
        if setting(self.settings, "TYPOGRIFY_IN_READER"):
            content = typogrify_html(content, self.settings)
            if isinstance(metadata.get("title"), str):
                metadata["title"] = typogrify_html(metadata["title"], self.settings)
            if isinstance(metadata.get("summary"), str):
                # Pages show this one; feeds and share cards keep the summary free of its markup.
                metadata["typeset_summary"] = typogrify_html(metadata["summary"], self.settings)
        metadata["reading_minutes"] = reading_minutes(content)
        return content, metadata

    def _refusal(self, source_path):
        """(line, message) when the file must not be read: a link, or not UTF-8 text. Records the
        control characters the text holds, which no feed or sitemap could carry."""
        why = confinement.refusal(source_path, self.settings["PATH"])
        if why:
            return None, why
        with open(source_path, "rb") as f:
            data = f.read()
        problem = confinement.utf8_problem(data)
        if problem is None:
            self._control = confinement.control_characters(data.decode("utf-8"))
        return problem

    def process_metadata(self, name, value):
        if isinstance(value, str) and is_hint(value):
            self._hints[name] = value
        if name == "category" and isinstance(value, str) and not self._slugify(value):
            # A folder whose name has no letters or digits would give no address (`/x/`); the
            # check stage says where the file belongs (validation.check_item).
            value = "no-address"
        if (
            name in validation.ADDRESS_FIELDS
            and isinstance(value, str)
            and not (self._is_action and name in ("url", "save_as"))
        ):
            why = validation.address_problem(name, value, self._languages, self._slugify)
            if why:
                self._invalid[name] = (value, why)
                return UNREADABLE
        if name == "status" and isinstance(value, str) and value.strip() not in STATUSES:
            # Not what the editor meant to say, and the build stops on it: meanwhile, the safest reading.
            self._invalid[name] = (
                value,
                f"'{value.strip()}' is not a status; write 'Status: draft' to keep it off the site, "
                "or remove the line to publish it" + did_you_mean(value.strip(), STATUSES, 0.6),
            )
            return "draft"
        if name in DATE_FIELDS:
            try:
                return dates.parse_date(value)
            except dates.DateError:
                self._unreadable[name] = value
                return UNREADABLE
        if name in TEXT_FIELDS and isinstance(value, str):
            # Metadata is text: '<' stays visible. Escaped now, before typogrify adds its HTML.
            value = html.escape(value.strip(), quote=False)
        try:
            return super().process_metadata(name, value)
        except (ValueError, OverflowError):
            self._unreadable[name] = value
            return UNREADABLE

    def _address_from_name(self, source_path, metadata):
        """A file without a usable Slug takes its address from its name (SLUGIFY_SOURCE = basename);
        a name with no letters or digits would give none (`/index.html`): then, as for a Slug the
        reader refused, a stand-in, and a problem."""
        name = os.path.basename(source_path)
        if not self._invalid.get("slug"):
            if self.settings.get("SLUGIFY_SOURCE") != "basename":
                return
            why = validation.file_name_problem(name, metadata.get("title", ""), self._slugify)
            if not why:
                return
            self._invalid["slug"] = (name, why)
        # The file is not written (the build stops on the problem): a stand-in that is no one's address.
        metadata["slug"] = (
            "no-address-" + hashlib.sha256(source_path.encode("utf-8", "surrogateescape")).hexdigest()[:10]
        )


FILTERS = ("amp", "smartypants", "caps", "initial_quotes", "widont")  # in typogrify's order


def typogrify_html(text, settings):
    """Typogrify as Pelican does it, with the same TYPOGRIFY_* settings: typogrify's own filters in
    its order, outside TYPOGRIFY_IGNORE_TAGS, and smartypants with its dashes setting passed to it
    (not set on the library for everyone, as Pelican does)."""
    if not text:
        return text
    dashes = {"oldschool": smartypants.Attr.set2, "oldschool_inverted": smartypants.Attr.set3}
    # Like Pelican: also turn the &quot; entities Markdown leaves into curly quotes.
    attrs = dashes.get(settings.get("TYPOGRIFY_DASHES"), smartypants.Attr.set1) | smartypants.Attr.w
    steps = {
        "amp": amp,
        "smartypants": lambda t: smartypants.smartypants(t, attrs),
        "caps": caps,
        "initial_quotes": initial_quotes,
        "widont": widont,
    }
    used = [steps[name] for name in FILTERS if name not in settings.get("TYPOGRIFY_OMIT_FILTERS", [])]
    out = []
    for section, typeset in process_ignores(text, settings.get("TYPOGRIFY_IGNORE_TAGS", [])):
        for step in used if typeset else ():
            section = step(section)
        out.append(section)
    return "".join(out)


def use_editor_reader(readers):
    """Markdown files are read by the editor's reader; no other kind of file is read at all (an
    .html file would bypass the allowlist): `invoke check` lists such files as ignored."""
    for extension in list(readers.reader_classes):
        if extension != "static" and extension not in EditorMarkdownReader.file_extensions:
            del readers.reader_classes[extension]
    for extension in EditorMarkdownReader.file_extensions:
        readers.reader_classes[extension] = EditorMarkdownReader


def keep_incomplete_article(generator, metadata):
    _fill_missing(metadata, ("title", "date"))


def keep_incomplete_page(generator, metadata):
    _fill_missing(metadata, ("title",))


def _fill_missing(metadata, keys):
    missing = [key for key in keys if key not in metadata]
    if missing:
        metadata["_missing"] = missing
        for key in missing:
            metadata[key] = PLACEHOLDERS[key]


VERSION_FOLDER = re.compile(r"v-[0-9a-f]{12}")  # a version's own content cache, in the cache folder


def separate_cache_per_version(pelican):
    """Pelican's content cache keeps what the readers made, and would keep it after this plugin's
    reader changes: each version of the plugin and of the reading settings gets a cache of its own."""
    settings = pelican.settings
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):  # the whole plugin: any module may change what is read
        digest.update(path.read_bytes())
    for key in (
        "MARKDOWN",
        "TYPOGRIFY",
        "TYPOGRIFY_IN_READER",
        "TYPOGRIFY_IGNORE_TAGS",
        "TYPOGRIFY_DASHES",
        "TYPOGRIFY_OMIT_FILTERS",
        "FORMATTED_FIELDS",
        "TIMEZONE",
        "LANGUAGES",
        "SLUGIFY_SOURCE",
        "SLUG_REGEX_SUBSTITUTIONS",
        "ACTIONS_PATH",
        "PATH",
    ):
        digest.update(repr(settings.get(key)).encode())
    settings["CACHE_PATH"] = os.path.join(settings["CACHE_PATH"], f"v-{digest.hexdigest()[:12]}")


def cache_root(settings):
    """The cache folder the site set, above this version's (separate_cache_per_version): for what
    must outlive a new version of the reading, such as the list of the files the last build wrote."""
    head, tail = os.path.split(os.path.normpath(settings["CACHE_PATH"]))
    return head if VERSION_FOLDER.fullmatch(tail) else settings["CACHE_PATH"]
