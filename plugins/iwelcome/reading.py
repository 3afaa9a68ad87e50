"""Reading content so that no file is silently dropped, and titles are text, not HTML.

Pelican skips a file whose Date it cannot parse, or that has no Title or Date, and the build
goes on without it. Here such a file is kept, with what was wrong recorded in its metadata
(`_unreadable`, `_missing`), so that validation can name the file and the field.
"""

import html
from datetime import datetime

import smartypants
from pelican.readers import _DISCARD, MarkdownReader
from typogrify.filters import typogrify

from .articles import reading_minutes
from .settings import setting

# What Pelican cannot build a page without, and a stand-in used only until validation fails.
PLACEHOLDERS = {"title": "", "date": datetime(1970, 1, 1)}


class EditorMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, keeping values it cannot parse for validation to report, and
    applying typogrify itself when TYPOGRIFY_IN_READER is set: what a reader returns is what
    Pelican's content cache keeps, so a rebuild does not typogrify unchanged files again."""

    def read(self, source_path):
        self._unreadable = {}
        content, metadata = super().read(source_path)
        if self._unreadable:
            metadata["_unreadable"] = self._unreadable
        if setting(self.settings, "TYPOGRIFY_IN_READER"):
            content = typogrify_html(content, self.settings)
            if isinstance(metadata.get("title"), str):
                metadata["title"] = typogrify_html(metadata["title"], self.settings)
            if isinstance(metadata.get("summary"), str):
                # Pages show this one; feeds and share cards keep the summary free of its markup.
                metadata["typeset_summary"] = typogrify_html(metadata["summary"], self.settings)
        metadata["reading_minutes"] = reading_minutes(content)
        return content, metadata

    def process_metadata(self, name, value):
        if name == "title":
            # A title is text: '<' stays visible. Escaped now, before typogrify adds its HTML.
            value = html.escape(value, quote=False)
        try:
            return super().process_metadata(name, value)
        except (ValueError, OverflowError):
            getattr(self, "_unreadable", {})[name] = value
            return _DISCARD


def typogrify_html(html, settings):
    """Typogrify as Pelican's reader does it, with the same TYPOGRIFY_* settings."""
    if not html:
        return html
    dashes = {"oldschool": smartypants.Attr.set2, "oldschool_inverted": smartypants.Attr.set3}
    # Like Pelican: also turn the &quot; entities Markdown leaves into curly quotes.
    smartypants.Attr.default = dashes.get(settings.get("TYPOGRIFY_DASHES"), smartypants.Attr.set1) | smartypants.Attr.w
    omitted = dict.fromkeys(settings.get("TYPOGRIFY_OMIT_FILTERS", []), False)
    return typogrify(html, settings.get("TYPOGRIFY_IGNORE_TAGS", []), **omitted)


def use_editor_reader(readers):
    for extension in EditorMarkdownReader.file_extensions:
        if extension in readers.reader_classes:
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
