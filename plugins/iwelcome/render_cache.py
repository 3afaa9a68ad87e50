"""Pages rendered again only when what they show changed, and the files of the last build that
this one did not write removed: a rebuild gives exactly the bytes of a clean build.

Pelican renders every page of every build. Here each page has a key, the digest (digest.py) of
everything its template is given and of everything its render read:

- the build's inputs that are not in the context: the theme's files (templates, stylesheet,
  translations), the plugin's code, the versions of Python and of the libraries that render;
- the build's context: every setting and every table the plugin worked out for the day of the
  build (which actions are open, what is embargoed: a date that flips one changes the key), and,
  of the keys in lower case (the content's lists: `articles`, `tags`, `dates`, ...), those the
  page's last render resolved, an article or page in them written as who it is
  (`digest.identity`);
- what the writer adds for this page: its file name, the item it is about with its body, the
  listing's page of items, the language;
- the description of each article and page its last render read (page_reads.py: its title, its
  tags, its summary, ..., not its body), as this build has them.

A page whose key is the one its file was written with is not rendered: it was given the same, and
what it read of the site's items is the same, so rendering it again would read the same and give
the same bytes. When every page of one write of Pelican's (one page, or all pages of a paginated
listing) is so, and each file still has the size and time the last build left it with, nothing is
written at all (writing the files again was a fifth of a rebuild); otherwise the unchanged pages'
files, checked against the text digest recorded with the key, are written again as they are. A
rendered page's key is worked out once it is rendered, from what it read. The keys of the context
are kept too: a build whose context no page of the last build was written with (a tag or a date
edited) has helpers render beside Pelican (parallel_rendering.py). Any other page is rendered.
The templates may read an item's body only through `body_parts(body_item)`, for the page's own
article or page (tests/test_render_cache.py holds them to it), which is why an item's
description leaves its body out: editing the text of one article renders that article's page
only, and editing its title renders the pages that read it (its own, the listings, topic, country
and archive pages it is on, the items that show it as related: 9 of 3,082 pages, at the median, in
the benchmark's corpus). A tag or a date edited changes lists (a topic's; the order of the
listings and archives): the pages that resolve those render again (at 2,000 articles, 523 and
1,071 of 3,082), the others do not.

The keys are kept in the cache folder (CACHE_PATH, above the reading version's own), one file per
output folder, written at the end of a build that finished without errors; a build that fails, or
a build whose context changed while it wrote, leaves no keys behind, and the next build renders
everything.
RENDER_CACHE = False renders every page. A value the digest cannot describe the same way twice
also turns the cache off for that build.

Leftovers: the keys file also lists the files the last build left in the output folder. At the
end of a build, each of them that this build did not write (its time is older than this build's
start, and it is not one of the content's static files, which Pelican copies only when they
changed) is removed, with the folders it leaves empty: the pages of a deleted or renamed item,
a listing's last page, an old search index. A file the plugin never wrote is never removed, nor
the search index when the build makes none (the preview makes it in the background).
"""

import contextlib
import hashlib
import importlib.metadata
import json
import logging
import os
import sys

from pelican.paginator import Paginator
from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from . import digest, page_reads, parallel_rendering, reading, search, timings
from .settings import setting

logger = logging.getLogger(__name__)

PER_PAGE = frozenset({"output_file", "localsiteurl"})  # set for each page by Pelican's writer
# Settings of the build itself, which no template reads: a build with `--ignore-cache`, or one that
# writes its timings, renders the same pages.
NOT_SHOWN = frozenset({"LOAD_CONTENT_CACHE", "CACHE_CONTENT", "CACHE_PATH", "PLUGIN_TIMINGS_FILE"})
STARTED = ".build-started"  # in the output folder while a build writes; its time is the build's start
LIBRARIES = ("pelican", "jinja2", "markupsafe", "markdown", "typogrify", "smartypants", "babel", "nh3")
FORMAT = 4

_writers = []  # the writer of the build under way (Pelican makes one per build)


def files_digest(folders, extensions=None):
    """The digest of every file under `folders` (names and bytes), in a fixed order."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if extensions and not name.endswith(extensions):
                    continue
                path = os.path.join(root, name)
                h.update(os.path.relpath(path, folder).encode() + b"\0")
                with open(path, "rb") as f:
                    h.update(hashlib.blake2b(f.read(), digest_size=16).digest())
    return h.digest()


def versions():
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return f"{sys.version};" + ";".join(found)


def inputs_digest(settings):
    """The digest of what renders pages but is not in the context: the theme (and any template
    folders the settings add), the plugin's code, the versions of Python and the libraries."""
    folders = [settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", ())]
    h = hashlib.blake2b(digest_size=16)
    h.update(files_digest(folders))
    h.update(files_digest([os.path.dirname(__file__)], extensions=(".py",)))
    h.update(versions().encode())
    h.update(f"format={FORMAT}".encode())
    return h.hexdigest()


def text_digest(text):
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def store_path(settings, output_path):
    """One keys file per output folder, in the cache folder the site set: not in the folder of
    this version of the reading (reading.cache_root), so that the first build of a new version
    still knows the files the last one wrote."""
    name = hashlib.blake2b(os.path.abspath(output_path).encode(), digest_size=8).hexdigest()
    return os.path.join(reading.cache_root(settings), f"render-cache-{name}.json")


def load_store(path, inputs):
    """The last build's {"pages": {file: [key, text digest, size, time, (items read, names
    resolved)]}, "contexts": [context keys], "files": [...]}, or an empty one when there is none,
    it cannot be read, or the inputs changed (then files are still listed: leftovers are removed
    whatever changed). The file names each identity and name once ("reads"), each set of them
    some pages read once ("read_sets", indices into "reads"), and each page the indices of its two
    sets, of items and of names: the pages of a listing read the same items, those of a template
    resolve the same names."""
    empty = {"pages": {}, "contexts": [], "files": []}
    try:
        with open(path, encoding="utf-8") as f:
            store = json.load(f)
    except (OSError, ValueError):
        return empty
    if not isinstance(store, dict) or store.get("format") != FORMAT:
        return empty
    files = store.get("files") if isinstance(store.get("files"), list) else []
    if store.get("inputs") != inputs or not isinstance(store.get("pages"), dict):
        return {**empty, "files": files}
    contexts = store.get("contexts") if isinstance(store.get("contexts"), list) else []
    pages = with_reads(store["pages"], store.get("reads"), store.get("read_sets"))
    return {"pages": pages, "contexts": contexts, "files": files}


def with_reads(pages, reads, read_sets):
    """The pages' entries with what they read (two tuples, each shared by the pages that read the
    same) in place of their sets' indices; an entry that is not one is left out (its page is
    rendered)."""
    try:
        sets = [tuple(reads[i] for i in indices) for indices in read_sets]
    except (IndexError, TypeError):
        return {}
    found = {}
    for name, entry in pages.items():
        indices = entry[4] if isinstance(entry, list) and len(entry) == 5 else None
        if isinstance(indices, list) and all(type(i) is int and 0 <= i < len(sets) for i in indices):
            found[name] = [*entry[:4], tuple(sets[i] for i in indices)]
    return found


def leftovers(previous_files, started_ns, kept, mtime_ns):
    """The files of the last build (`previous_files`, paths under the output folder) that this
    build did not write: older than its start and not in `kept`. `mtime_ns(path)` is None for a
    file that is gone. Pure, for the tests."""
    stale = []
    for path in previous_files:
        if path in kept:
            continue
        time = mtime_ns(path)
        if time is not None and time < started_ns:
            stale.append(path)
    return sorted(stale)


def files_under(output_path):
    found = []
    for root, dirs, files in os.walk(output_path):
        dirs.sort()
        for name in sorted(files):
            found.append(os.path.relpath(os.path.join(root, name), output_path).replace(os.sep, "/"))
    return found


def page_contexts(settings, context, name, kwargs, relative_urls=False, paginated=None, template_name=None, url=None):
    """[(file name, local context, the keys it sets)] of the pages one call of Pelican's
    `Writer.write_file` writes, made as that method makes them (pagination included), for a call
    whose pages may all be unchanged: their keys are worked out without rendering or writing
    anything. Every other key of a local context holds the context's own value."""

    def local(page_name, extra):
        localcontext = context.copy()
        localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
        if relative_urls:
            relative_url = path_to_url(get_relative_path(page_name))
            localcontext["SITEURL"] = relative_url
            localcontext["localsiteurl"] = relative_url
        localcontext["output_file"] = page_name
        localcontext.update(extra)
        return page_name, localcontext, PER_PAGE | {"SITEURL"} | extra.keys()

    if paginated is None:
        paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
    if not (paginated and template_name in settings["PAGINATED_TEMPLATES"]):
        return [local(name, kwargs)]
    per_page = settings["PAGINATED_TEMPLATES"][template_name] or settings["DEFAULT_PAGINATION"]
    paginators = {key: Paginator(name, url, value, settings, per_page) for key, value in paginated.items()}
    pages = []
    for number in range(next(iter(paginators.values())).num_pages):
        extra = kwargs.copy()
        for key, paginator in paginators.items():
            page = paginator.page(number + 1)
            extra[f"{key}_paginator"] = paginator
            extra[f"{key}_page"] = page
            extra[f"{key}_previous_page"] = paginator.page(number) if number > 0 else None
            extra[f"{key}_next_page"] = paginator.page(number + 2) if number + 1 < paginator.num_pages else None
        pages.append(local(page.save_as, extra))
    return pages


def file_stamp(path):
    """[size, modification time] of a written file, or None when it is gone."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def mostly_gone(pages, stamp_of, sample=8):
    """Whether most of the files of `pages` ({name: [key, text digest, size, time, ...]}, the last
    build's) are not as it left them, by `stamp_of(name)` ([size, time], or None) of a few of them
    spread over the sorted names: a sign that every page is to be rendered again (which only decides
    whether helpers are worth their start: each page's own key and file say whether it is)."""
    names = sorted(pages)
    picked = names[:: max(1, len(names) // sample)][:sample]
    gone = sum(stamp_of(name) != list(pages[name][2:4]) for name in picked)
    return gone * 2 > len(picked)


class RenderCache:
    """The keys of one build: read at its start, worked out page by page, saved at its end."""

    def __init__(self, settings, output_path):
        self.settings = settings
        self.output_path = output_path
        self.enabled = setting(settings, "RENDER_CACHE")
        self.inputs = inputs_digest(settings) if self.enabled else ""
        self.path = store_path(settings, output_path)
        self.previous = load_store(self.path, self.inputs)
        self.pages = {}  # this build's {file: [key, text digest, (items, names) read]}; sizes, times when saved
        self.signature = None
        self.shown_for = ((), ())  # (the context's keys, those its digest covers)
        self.context_key = None
        self.contexts = []  # the context keys of this build's pages (hex)
        self.known_contexts = set(self.previous["contexts"])
        self.context_digest = digest.ContextDigest(skip=PER_PAGE | NOT_SHOWN)
        self.read_sets = {}  # what pages read: one tuple for each set of identities or names
        self.identity_names = {}  # one string for each identity that helpers' pages read
        self.rendered = self.reused = 0
        self.context = {}
        self.started_ns = self.mark_start()

    def mark_start(self):
        os.makedirs(self.output_path, exist_ok=True)
        marker = os.path.join(self.output_path, STARTED)
        with open(marker, "w", encoding="utf-8") as f:
            f.write("A build is writing this folder.\n")
        return os.stat(marker).st_mtime_ns

    def context_signature(self, context):
        """The context's keys and the identity of each value but those set for each page: its
        digest is worked out again only when this changes. (Asked before every page: the loops
        run in C.)"""
        keys = tuple(context)
        if keys != self.shown_for[0]:
            self.shown_for = (keys, tuple(key for key in keys if key not in self.context_digest.skip))
        return keys, tuple(map(id, map(context.__getitem__, self.shown_for[1])))

    def context_key_of(self, context):
        """The digest of the context, worked out again only when its signature changed."""
        signature = self.context_signature(context)
        if signature != self.signature:
            if self.signature is not None:
                logger.debug("iwelcome plugin: the context changed while pages were written")
            self.context_key = self.context_digest.update(context)
            self.signature = signature
            if self.context_key.hex() not in self.contexts:
                self.contexts.append(self.context_key.hex())
        return self.context_key

    def renders_every_page(self, context):
        """Whether this build is to render every page: there are no keys from the last build, the
        context (as the writer is made) is not one the last build's pages were written with, or
        the last build's files are mostly gone (output/ was removed, as `tasks.py rebuild` does)."""
        if not self.previous["pages"]:
            return True  # also whenever RENDER_CACHE is off: such a build keeps no keys
        try:
            if self.context_key_of(context).hex() not in self.known_contexts:
                return True
        except digest.Undescribable:
            return False
        return mostly_gone(self.previous["pages"], lambda name: file_stamp(os.path.join(self.output_path, name)))

    def base_in(self, template, context, localcontext, keys=None):
        """The digest of what a page is given (the context's settings and tables, once its digest
        is up to date, context_key_of; and its own values), to which its key adds what it read
        (`key_with`). `keys`: those the local context may not share with the context
        (page_contexts), when known; else every key is compared."""
        own = {
            key: localcontext[key]
            for key in (localcontext if keys is None else keys)
            if key in localcontext and (key in PER_PAGE or key not in context or localcontext[key] is not context[key])
        }
        h = hashlib.blake2b(digest_size=16)
        h.update(self.inputs.encode())
        h.update(self.context_digest.always)
        h.update(f"template={template.name}".encode())
        self.context_digest.page(h, own)
        return h.digest()

    def key_with(self, base, reads):
        """A page's key: what it is given (`base_in`), and what its render read (`reads`: the
        description of each article or page, the digest of each name of the context), as this
        build has them."""
        h = hashlib.blake2b(base, digest_size=16)
        h.update(self.context_digest.read(reads))
        return h.hexdigest()

    def render(self, template, context, localcontext):
        if not self.enabled:
            return template.render(localcontext)
        name = localcontext["output_file"]
        try:
            self.context_key_of(context)
            base = self.base_in(template, context, localcontext)
            known = self.previous["pages"].get(name)
            if known and known[0] == self.key_with(base, known[4]):
                text = self.written_text(name, known[1])
                if text is not None:
                    self.pages[name] = [known[0], known[1], known[4]]
                    self.reused += 1
                    return text
            with page_reads.recording() as read:
                text = template.render(localcontext)
            items = read.items.values()
            self.context_digest.know(items)
            reads = self.shared(self.context_digest.identities(items, read.names))
            self.pages[name] = [self.key_with(base, reads), text_digest(text), reads]
        except digest.Undescribable as problem:
            logger.info("iwelcome plugin: every page rendered (%s)", problem)
            self.enabled = False
            self.pages = {}
            return template.render(localcontext)
        self.rendered += 1
        return text

    def unchanged(self, template, context, pages):
        """Whether every page of one write (page_contexts) has the key its file was written with,
        and the file is as that build left it (same size and time): then nothing is rendered or
        written, and the pages count as unchanged."""
        if not self.enabled or not self.previous["pages"]:
            return False
        try:
            self.context_key_of(context)
        except digest.Undescribable:
            return False  # rendering says so, and renders every page
        entries = []
        for name, localcontext, keys in pages:
            known = self.previous["pages"].get(name)
            if not known:
                return False
            try:
                key = self.key_with(self.base_in(template, context, localcontext, keys), known[4])
            except digest.Undescribable:
                return False
            if known[0] != key or file_stamp(os.path.join(self.output_path, name)) != known[2:4]:
                return False
            entries.append((name, known))
        for name, known in entries:
            self.pages[name] = [known[0], known[1], known[4]]
        self.reused += len(entries)
        return True

    def accept(self, name, entry, rendered):
        """A page that a helper process rendered (or whose file's text it took again), with the
        [key, text digest, (items, names) read] it worked out, as if here (parallel_rendering.py)."""
        if self.enabled:
            key, text, reads = entry
            strings = self.identity_names
            reads = tuple(tuple(strings.setdefault(read, read) for read in part) for part in reads)
            self.pages[name] = [key, text, self.shared(reads)]
        if rendered:
            self.rendered += 1
        else:
            self.reused += 1

    def shared(self, reads):
        """What a page read, (items, names), each one tuple for the pages that read the same (the
        pages of a listing read the same items, the pages of a template resolve the same names)."""
        return tuple(self.read_sets.setdefault(part, part) for part in reads)

    def written_text(self, name, expected):
        """The text of the page as the last build wrote it, if the file still holds it."""
        try:
            with open(os.path.join(self.output_path, name), encoding="utf-8", newline="") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            return None
        return text if text_digest(text) == expected else None

    def remove_leftovers(self, kept):
        """The files of the last build that this one did not write, removed (before the search
        index and the sitemap are made from what is there)."""

        def mtime_ns(path):
            try:
                return os.stat(os.path.join(self.output_path, path)).st_mtime_ns
            except OSError:
                return None

        stale = leftovers(self.previous["files"], self.started_ns, kept | {STARTED}, mtime_ns)
        for path in stale:
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(self.output_path, path))
            remove_empty_folders(self.output_path, os.path.dirname(path))
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(self.output_path, STARTED))
        return stale

    def save(self, succeeded):
        """This build's keys (none when it did not succeed), each with its file's size and time,
        and the list of its files."""
        pages, read_sets = {}, {}
        if succeeded and self.enabled:
            for name, entry in sorted(self.pages.items()):
                stamp = file_stamp(os.path.join(self.output_path, name))
                if stamp is not None:
                    sets = [read_sets.setdefault(part, len(read_sets)) for part in entry[2]]
                    pages[name] = [*entry[:2], *stamp, sets]
        reads = sorted({read for found in read_sets for read in found})
        index = {read: number for number, read in enumerate(reads)}
        store = {
            "format": FORMAT,
            "inputs": self.inputs,
            "reads": reads,
            "read_sets": [[index[read] for read in found] for found in read_sets],
            "pages": pages,
            "contexts": self.contexts if pages else [],
            "files": files_under(self.output_path),
        }
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump(store, f)
        logger.info("iwelcome plugin: %d pages rendered, %d unchanged", self.rendered, self.reused)
        timings.count("pages rendered", self.rendered)
        timings.count("pages unchanged", self.reused)


def remove_empty_folders(output_path, folder):
    while folder and folder != ".":
        try:
            os.rmdir(os.path.join(output_path, folder))
        except OSError:
            return
        folder = os.path.dirname(folder)


class CachedTemplate:
    """What Pelican's writer renders a page with: the template, through the cache."""

    def __init__(self, template, context, cache):
        self.template = template
        self.context = context
        self.cache = cache
        self.name = template.name

    def render(self, localcontext):
        return parallel_rendering.render(self.cache, self.template, self.context, localcontext)


class CachingWriter(Writer):
    """Pelican's writer, rendering each page through the render cache. Pelican's own (no
    `render_cache` given) starts helpers that render pages beside it when every page is to be
    rendered (no keys from the last build, or a new context: parallel_rendering.py), each with a
    writer of its own, into a folder of its own, that shares this one's cache; when the context is
    one the last build knew, the few pages to render are not worth their start."""

    def __init__(self, output_path, settings=None, render_cache=None):
        super().__init__(output_path, settings=settings)
        self.render_cache = RenderCache(settings, output_path) if render_cache is None else render_cache
        _writers[:] = [self]
        if render_cache is None and self.render_cache.renders_every_page(parallel_rendering.build_context()):
            parallel_rendering.start(
                settings, lambda folder: CachingWriter(folder, settings=settings, render_cache=self.render_cache)
            )

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        """Pelican's, except that a write whose pages are all unchanged, files included, writes
        nothing: Pelican is told of its pages (content_written) as if it had written them."""
        self.render_cache.context = context
        if name and self.render_cache.previous["pages"]:
            pages = page_contexts(self.settings, context, name, kwargs, relative_urls, paginated, template_name, url)
            if self.render_cache.unchanged(template, context, pages):
                for page_name, localcontext, _keys in pages:
                    if localcontext["localsiteurl"]:  # as Pelican's writer leaves it
                        context["localsiteurl"] = localcontext["localsiteurl"]
                    signals.content_written.send(sanitised_join(self.output_path, page_name), context=localcontext)
                return
        return super().write_file(
            name,
            CachedTemplate(template, context, self.render_cache),
            context,
            relative_urls=relative_urls,
            paginated=paginated,
            template_name=template_name,
            override_output=override_output,
            url=url,
            **kwargs,
        )


def writer(pelican):
    """get_writer: the caching writer."""
    return CachingWriter


def forget(pelican):
    """initialized: no writer yet in this build."""
    _writers.clear()


def remove_leftovers(pelican):
    """finalized, first: the files of the last build that this one did not write, removed. The
    search index belongs to the search step: a build without it (SEARCH_INDEX off, as the preview
    builds, which index in the background) leaves the index there as it is."""
    if _writers:
        cache = _writers[0].render_cache
        kept = {sc.save_as.replace(os.sep, "/") for sc in cache.context.get("staticfiles", ())}
        kept |= {name.replace(os.sep, "/") for name in cache.pages}  # unchanged pages are not written again
        if not setting(pelican.settings, "SEARCH_INDEX"):
            kept |= {path for path in cache.previous["files"] if path.startswith(f"{search.BUNDLE}/")}
        cache.remove_leftovers(kept)


def save(pelican):
    """finalized, last: this build's keys kept, unless Pelican logged an error while writing."""
    from .report import logged_errors

    if _writers:
        _writers.pop().render_cache.save(succeeded=not logged_errors())
