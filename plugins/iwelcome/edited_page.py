"""The preview's quick write: when an editor changes only the text, the title or the image's text
of an article or page, its page is written at once from the last good preview build, before the
whole build that follows.

A preview build (PREVIEW on) keeps what it read and prepared (`remember`); preview_server.py keeps
that build's process alive, and asks it to `write` the pages of the files a save changed. For
each file it reads the file again, with the site's readers, and writes the item's page only when:

- the file is an article or page that the build wrote a page for (not a new file, not an action);
- everything but the text and the fields the build only shows (SHOWN_FIELDS: the title and the
  image's text) is as the build read it: every other field of its metadata, including what the
  reader found in the text (markup dropped, `[action: ...]` lines, reading time), its address,
  and its summary;
- the text links to and shows the same pages and files of the site as before (which pages link
  to unpublished items, and which files are copied, are worked out from these);
- the text has none of the errors the build's checks would find in it (checks.text_linter), nor
  its fields (validation.check_item), and Pelican logged no error while reading it;
- the page, rendered from the build's state with the text as it was, is byte for byte the file
  that build wrote: what the page shows besides its text is taken as it was, so this proves the
  quick page is made as the build makes it.

Then the page is rendered with the new text, as Pelican's writer would render it, and replaces
the file (whole, never half-written). A new title (or image's text) is given to the build's item
itself while the page renders (`showing`), so that every list of the build that holds the item
shows it new, as the build that follows will: a listing on the page that shows the item shows the
new title too. A title that would move the item in a list Pelican orders (an ARTICLE_ORDER_BY by
title), or change which translations it has, or whose links Pelican would work out
(FORMATTED_FIELDS), is left to the build (`treated_otherwise`). Otherwise nothing is written and
the reason is given (`Declined`): the build that follows does it all, as it always does. The
build after a quick write renders that page again and writes the same bytes
(tests/test_preview_server.py holds it to that); if that build fails, `undo` puts back the page
the last good build wrote.

An edit to any other field (a tag, a date) is not written from the last build: what it changes,
the build works out anew (a topic's list, the related updates, the order of the archives). For such
an edit, the preview's build writes the edited items' pages first (`write_first`): it renders them
as soon as it has prepared what every page shows (`render_first`, while checks that run in a helper
end: parallel_checks.py), writes them once the checks have passed (`written_first`), before it
renders anything else, and says so (`tell`), so that the browser shows the edited page while the
rest of the site is rendered. The build then writes that page again, in its turn, with the same
bytes (the page depends on what it shows only; the preview's benchmark checks it at each edit).

Only the preview does this: a build with PREVIEW off keeps nothing and writes nothing first.
"""

import contextlib
import os
import tempfile
from itertools import chain

from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.readers import Readers
from pelican.utils import order_content

from . import checks, report, validation
from .contents import all_contents, generators_by_kind
from .lint import linked_paths
from .render_cache import page_contexts
from .settings import setting

_site = []  # the generators of the last preview build, once it prepared what pages show
_undo = {}  # {page file (absolute): its bytes as the last good build wrote them}
_first = []  # (the files whose pages the build under way writes first, tell), set before it starts
_rendered = []  # (tell, [(page file, its path, its bytes)]): those pages, rendered, until written
# What the reader records of its own (reading.py): problems it met, which the build's checks report,
# and what it found in the text. Its other keys follow a field an editor writes (the typeset summary,
# the topics as written) or the folder (the category).
PROBLEM_FIELDS = frozenset({"_refused", "_unreadable", "_missing", "_hints", "_invalid", "_control"})
FOUND_IN_TEXT = frozenset({"_markup", "_action_slots", "_stray_markers", "reading_minutes"})
# The fields that the build only shows: no stage works anything out from them (not an address, a
# topic, the related updates, the actions or the order of a listing, with the site's settings), and
# the checks read them in the item alone (validation.check_item). An edit to one is written quickly
# too (`showing`, `treated_otherwise`). The image's text (Image_alt) is the image's alt and the
# page's og:image:alt, and a translation writes its own.
SHOWN_FIELDS = frozenset({"title", "image_alt"})
# The lists of its generator that Pelican orders by ARTICLE_ORDER_BY or PAGE_ORDER_BY.
ORDERED_LISTS = {"ARTICLE": ("articles", "hidden_articles", "drafts"), "PAGE": ("pages", "hidden_pages", "draft_pages")}


class Declined(Exception):
    """Why an edit is left to the build that follows (a sentence for the terminal)."""


class Edited:
    """An item as the build knew it, with the text of its file as it is now: what a page template
    gets for the page's own item. It equals the item (a listing that holds the item finds it)."""

    def __init__(self, item, text_from):
        self._item, self._text_from = item, text_from

    def __getattr__(self, name):
        return getattr(self._item, name)

    @property
    def content(self):
        return self._text_from.content

    def get_content(self, siteurl):
        return self._text_from.get_content(siteurl)

    def __eq__(self, other):
        return other is self._item or other is self

    def __hash__(self):
        return hash(self._item)


def remember(generators):
    """all_generators_finalized, once the checks began and before the preparing: a preview build's
    state (its generators; what the preparing adds to them is there when a quick write comes)."""
    _site[:] = [generators] if generators and setting(generators[0].settings, "PREVIEW") else []


def forget(pelican):
    """initialized: nothing from an earlier build in this process (what to write first is set
    for this build, before it starts)."""
    _site.clear()
    _undo.clear()
    _rendered.clear()


def write_first(paths, tell):
    """Before a preview build starts (in its process): once it has prepared what pages show, it
    writes the pages of the files at `paths` (absolute) first, then calls tell([page files
    written, relative to the output folder]) if it wrote any."""
    _first[:] = [(list(paths), tell)]


def render_first(generators):
    """The end of the preparing, in a preview build asked to (`write_first`): the pages of the
    edited files rendered, for `written_first` to write once the checks have passed. A page that
    fails to render is left to the build, which renders it in its turn and says what is wrong."""
    if not _first:
        return
    paths, tell = _first.pop()
    if not _site:
        return
    articles_gen, pages_gen, _actions, _static = generators_by_kind(_site[0])
    writes = page_writes(articles_gen, pages_gen)
    rendered = []
    for path in paths:
        if path not in writes:
            continue  # not an item with a page of its own (an action, an image), or one no longer written
        generator, item, values = writes[path]
        try:
            name, html = render(generator, item, values)
        except Exception:  # noqa: BLE001 - the build renders it in its turn, and says what is wrong there
            continue
        target = inside(generator.output_path, name)
        if target is not None:  # else Pelican's writer refuses it in its turn
            rendered.append((name, target, html.encode("utf-8")))
    _rendered[:] = [(tell, rendered)]


def written_first(generators):
    """all_generators_finalized, after the preparing (and the checks' verdict): in a preview build
    asked to (`write_first`), the pages of the edited files, written before any other; a page whose
    file already holds those bytes (a quick write made it) is left as it is. The preparing
    rendered them (`render_first`)."""
    if not _rendered:
        return
    tell, rendered = _rendered.pop()
    written = []
    for name, target, data in rendered:
        with contextlib.suppress(OSError), open(target, "rb") as f:
            if f.read() == data:
                continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        replace(target, data)
        written.append(name.replace(os.sep, "/"))
    if written:
        tell(written)


def page_writes(articles_gen, pages_gen):
    """{source path: (generator, item, the template's values)} of every item the build wrote a page
    for, with the values Pelican's generators give its writer for that page."""
    writes = {}
    for article in chain(
        articles_gen.translations,
        articles_gen.articles,
        articles_gen.hidden_translations,
        articles_gen.hidden_articles,
    ):
        values = {"article": article, "category": getattr(article, "category", None), "blog": True}
        writes.setdefault(article.source_path, []).append((articles_gen, article, values))
    for page in chain(
        pages_gen.translations,
        pages_gen.pages,
        pages_gen.hidden_translations,
        pages_gen.hidden_pages,
        pages_gen.draft_translations,
        pages_gen.draft_pages,
    ):
        writes.setdefault(page.source_path, []).append((pages_gen, page, {"page": page}))
    return {path: found[0] for path, found in writes.items() if len(found) == 1}


def read_again(generator, item):
    """The item's file read now, as its generator reads it (its signals included), not cached."""
    kind = "article" if isinstance(generator, ArticlesGenerator) else "page"
    return Readers(generator.settings).read_file(
        base_path=generator.path,
        path=os.path.relpath(item.source_path, generator.path),
        content_class=type(item),
        context=generator.context,
        preread_signal=getattr(signals, f"{kind}_generator_preread"),
        preread_sender=generator,
        context_signal=getattr(signals, f"{kind}_generator_context"),
        context_sender=generator,
    )


def what_else_changed(before, after, site_url):
    """What changed in an item besides its text and its SHOWN_FIELDS (None when nothing did):
    `before` as the build knew it, `after` as its file reads now. Pure over the two items, for the
    tests."""
    keys = before.metadata.keys() | after.metadata.keys()
    changed = [key for key in keys if before.metadata.get(key) != after.metadata.get(key)]
    if set(changed) - set(shown_changes(before, after)):
        return changed_fields(changed)
    if (before.slug, before.url, before.save_as) != (after.slug, after.url, after.save_as):
        return "its address changed"
    if before.summary != after.summary:
        return "its summary changed"
    if linked_paths(before.get_content(""), site_url) != linked_paths(after.get_content(""), site_url):
        return "its links to the site's pages or files changed"
    return None


def shown_changes(before, after):
    """The SHOWN_FIELDS whose value changed between `before` and `after`, sorted (a field added or
    taken away is not one: the build says whether it may be). Pure, for the tests."""
    old, new = before.metadata, after.metadata
    return tuple(sorted(key for key in SHOWN_FIELDS if key in old and key in new and old[key] != new[key]))


def changed_fields(keys):
    """What changed, said in an editor's words, from the metadata keys whose values differ:
    'its fields changed (Date, Title); the build will say what is wrong in it'. The fields an
    editor writes are named as written (validation.field_name); what the reader records of its
    own (reading.py) is said in words, not by its key. Pure, for the tests."""
    fields = sorted(validation.field_name(key) for key in keys if key not in validation.INTERNAL_FIELDS)
    parts = [f"its fields changed ({', '.join(fields)})"] if fields else []
    if FOUND_IN_TEXT.intersection(keys):
        parts.append("what its text holds changed (dropped markup, [action: ...] lines, reading time)")
    if PROBLEM_FIELDS.intersection(keys):
        parts.append("the build will say what is wrong in it")
    return "; ".join(parts) or "its fields changed"


def render(generator, item, values):
    """(page file, HTML) of the item's page, as Pelican's writer renders it with these values."""
    settings = generator.settings
    template = generator.get_template(item.template)
    [(name, localcontext, _keys)] = page_contexts(
        settings, generator.context, item.save_as, values, settings["RELATIVE_URLS"], url=item.url
    )
    return name, template.render(localcontext)


def write(paths):
    """Write the pages of the files at `paths` (absolute) from their text as it is now: [page files
    written, relative to the output folder]. Raises Declined, having written nothing, when any of
    them changed in more than its text (see above)."""
    if not _site:
        raise Declined("there is no preview build to start from")
    articles_gen, pages_gen, actions_gen, _static = generators_by_kind(_site[0])
    settings = articles_gen.settings
    writes = page_writes(articles_gen, pages_gen)
    edits = []
    for path in paths:
        if path not in writes:
            raise Declined(f"{os.path.basename(path)} is not an article or page the last build wrote")
        generator, item, values = writes[path]
        errors = report.error_count()
        try:
            edited = read_again(generator, item)
        except Exception as problem:  # noqa: BLE001 - the build says what is wrong, in its words
            raise Declined(f"{os.path.basename(path)} could not be read ({problem})") from None
        if report.error_count() != errors:
            raise Declined(f"{os.path.basename(path)}: Pelican logged an error reading it")
        why = what_else_changed(item, edited, settings["SITEURL"])
        if why:
            raise Declined(f"{os.path.basename(path)}: {why}")
        edits.append((generator, item, edited, values, shown_changes(item, edited)))
    articles, pages = all_contents(articles_gen, pages_gen)
    rules = checks.rules_for(settings)
    lint = checks.text_linter(settings, rules, articles + pages, actions_gen.slugs())
    as_on_disk = []
    for generator, item, edited, values, _fields in edits:
        kind = "article" if generator is articles_gen else "page"
        problems = lint(checks.as_item(item, kind, settings), edited)
        problems += validation.check_item(checks.as_item(edited, kind, settings), rules)
        if problems:
            raise Declined(f"{os.path.basename(item.source_path)}: the build will say what is wrong in it")
        name, as_built = render(generator, item, {**values, _own(values): Edited(item, item)})
        target = inside(generator.output_path, name)
        if target is None:
            raise Declined(f"{name} is not in the output folder")
        try:
            with open(target, "rb") as f:
                on_disk = f.read()
        except OSError:
            raise Declined(f"{name} is not in the output folder") from None
        if as_built.encode("utf-8") != on_disk:
            raise Declined(f"{name} is not made here as the build made it")
        as_on_disk.append((target, name, on_disk))
    written = []
    with contextlib.ExitStack() as shown:
        for _generator, item, edited, _values, fields in edits:
            shown.enter_context(showing(item, edited, fields))
        for (generator, item, edited, values, fields), (target, name, on_disk) in zip(edits, as_on_disk, strict=True):
            why = treated_otherwise(generator, item, fields)
            if why:
                raise Declined(f"{os.path.basename(item.source_path)}: {why}")
            _name, html = render(generator, item, {**values, _own(values): Edited(item, edited)})
            written.append((target, name, on_disk, html))
    for target, _name, on_disk, html in written:
        _undo.setdefault(target, on_disk)
        replace(target, html.encode("utf-8"))
    return [name for _target, name, _before, _html in written]


@contextlib.contextmanager
def showing(item, edited, fields):
    """The build's `item` with the values of `fields` (shown_changes) as the item `edited` (its file
    read again) has them, in its metadata and its attributes, while the block runs; then as it was.
    Every list of the build that holds the item, and so every listing on the page, shows it as the
    build that follows will."""
    kept = {key: (item.metadata[key], getattr(item, key)) for key in fields}
    try:
        for key in fields:
            item.metadata[key] = edited.metadata[key]
            setattr(item, key, getattr(edited, key))
        yield
    finally:
        for key, (in_metadata, attribute) in kept.items():
            item.metadata[key] = in_metadata
            setattr(item, key, attribute)


def treated_otherwise(generator, item, fields):
    """Why Pelican would treat the item, with new values of `fields` (showing), otherwise than the
    build did (None when it would not): work out the links in one of them (FORMATTED_FIELDS, which
    Pelican does once every file is read), put the item in another place in a list it orders
    (ARTICLE_ORDER_BY, PAGE_ORDER_BY: by title, say), or group it with other translations
    (ARTICLE_TRANSLATION_ID, PAGE_TRANSLATION_ID)."""
    settings = generator.settings
    if set(fields) & {str(name).lower() for name in settings.get("FORMATTED_FIELDS", ())}:
        return "Pelican works out the links in a field that changed (FORMATTED_FIELDS)"
    prefix = "ARTICLE" if isinstance(generator, ArticlesGenerator) else "PAGE"
    for name in ORDERED_LISTS[prefix]:
        listed = getattr(generator, name, [])
        if any(other is item for other in listed):
            if order_content(list(listed), settings[f"{prefix}_ORDER_BY"]) != listed:
                return "its place in the lists changed"
            break
    ids = settings[f"{prefix}_TRANSLATION_ID"]
    ids = [ids] if isinstance(ids, str) else list(ids or ())
    if set(fields) & set(ids):
        return "its translations are found by a field that changed"
    return None


def undo():
    """Put back the pages the last good build wrote, where a quick write replaced them (the build
    that followed failed): [page files put back, absolute]."""
    restored = sorted(_undo)
    for target in restored:
        replace(target, _undo[target])
    _undo.clear()
    return restored


def replace(target, data):
    """The file at `target` replaced by `data` in one step: a reader never gets half of it."""
    folder = os.path.dirname(target)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".quick-")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        try:
            mode = os.stat(target).st_mode & 0o777
        except FileNotFoundError:  # a new page: the mode Pelican's writer would give it
            mode = 0o666 & ~current_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def inside(output_path, name):
    """The file `name` under the output folder, or None when it would be outside it (an absolute
    name, or one that climbs out with `..`). Pure, for the tests."""
    folder = os.path.abspath(output_path)
    target = os.path.abspath(os.path.join(folder, name))
    return target if os.path.commonpath([folder, target]) == folder and target != folder else None


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _own(values):
    return "article" if "article" in values else "page"
