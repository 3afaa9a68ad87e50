"""What a page's render read: the articles and pages (Pelican's content objects) whose data its
templates came to, and the names of the context they resolved, so that the render cache
(render_cache.py) renders a page again only when one of those changed, and not whenever any item
or list of the site did.

A template reaches an item's data in one of these ways, each of which is recorded while a page
renders (`recording`):

- an attribute or an item of it, `item.title` or `item["title"]`: Jinja's compiled templates ask
  their environment's `getattr` and `getitem` for every one (and so do Jinja's filters that take an
  attribute's name: `sort`, `map`, `selectattr`, `groupby`, ...);
- a name of the context whose value is an item (`article`, `page`), which a template or a function
  given the context (`pass_context`) resolves through the context's `resolve_or_missing`: every
  name resolved so is recorded, whatever its value (`articles`, `tags`, a template's own);
- a filter, test or global function of the site or of Pelican given an item, or a list, tuple or
  dict of them (the `url` filter, `body_parts`): what it reads of the item in Python is not seen,
  so the item counts as read. Jinja's own filters reach an item's fields through `getattr` and
  `getitem` (`sort(attribute=...)`), or read none (`length`, `first`).

What a page reads beyond items is in the context: the render cache keys each page by the values of
the names it resolved that are in lower case (the content's lists: `articles`, `tags`, `dates`, an
item in them written as who it is, `digest.identity`) and by every other key (the settings and the
plugin's tables), or in an item's description (digest.py): its attributes and properties, but its
body, which templates read only for the page's own item (tests/test_render_cache.py holds them to
it). The site's functions read the context only through a `pass_context` context, whose names are
recorded, and none keeps a build's context of its own. Methods that templates call on the
context's other objects must read only what those objects hold (an action's `link` and `progress`
do): the digest describes an object by its attributes and properties.

A `{% cache %}` part (fragments.py) is rendered once and shown on many pages: it keeps what it
read, and each page that shows it counts it as read (`count_as_read`).
"""

import contextlib
import functools

from jinja2.runtime import Context
from pelican.contents import Content

_reading = []  # a Read per render under way, the innermost last


class Read:
    """What a render read: `items`, {id: content object}; `names`, the names of the context it
    resolved (a template's own variables among them)."""

    def __init__(self):
        self.items = {}
        self.names = set()


@contextlib.contextmanager
def recording():
    """While a page renders: what it reads (a Read, complete when the block ends)."""
    read = Read()
    _reading.append(read)
    try:
        yield read
    finally:
        _reading.pop()
        count_as_read(read)  # a part rendered within a page: the page reads it too


def count_as_read(read):
    """What the page under way shows without reading it again (a cached part's Read)."""
    if _reading:
        _reading[-1].items.update(read.items)
        _reading[-1].names.update(read.names)


def saw(value):
    """While a page renders: `value` read, if it is an item."""
    if isinstance(value, Content):
        _reading[-1].items[id(value)] = value


def note(value):
    """While a page renders: `value` read, if it is an item, or a list, tuple or dict of them."""
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list | tuple):
        value = (value,)
    for element in value:
        saw(element)


def watching_getter(get):
    @functools.wraps(get)
    def watched(obj, name):
        if _reading:
            saw(obj)
        return get(obj, name)

    watched.watches_reads = True
    return watched


def watching_call(function):
    @functools.wraps(function)  # keeps Jinja's pass_context / pass_environment mark
    def watched(*args, **kwargs):
        if _reading:
            for value in args:
                if not isinstance(value, Context):
                    note(value)
            for value in kwargs.values():
                note(value)
        return function(*args, **kwargs)

    watched.watches_reads = True
    return watched


class WatchingContext(Context):
    """A Jinja context that records an item a name resolves to (mixed into the environment's own
    context class)."""

    def resolve_or_missing(self, key):
        value = super().resolve_or_missing(key)
        if _reading:
            _reading[-1].names.add(key)
            saw(value)
        return value


@functools.cache
def watching_context(cls):
    if issubclass(cls, WatchingContext):
        return cls
    return type(f"Watching{cls.__name__}", (WatchingContext, cls), {})


def install(generators):
    """all_generators_finalized, once the plugin has prepared what pages show: every generator's
    Jinja environment records what a page's render reads (nothing while no page renders)."""
    for generator in generators:
        env = getattr(generator, "env", None)
        if env is None:
            continue
        if not hasattr(env.getattr, "watches_reads"):
            env.getattr = watching_getter(env.getattr)
            env.getitem = watching_getter(env.getitem)
        env.context_class = watching_context(env.context_class)
        for table in (env.filters, env.tests, env.globals):
            for name, value in list(table.items()):
                if watched_when_called(value):
                    table[name] = watching_call(value)


def watched_when_called(value):
    """Whether a filter, test or global function is to count the items it is given as read: any
    but Jinja's own and Python's that Jinja names (which reach an item's fields through the
    environment's `getattr` and `getitem`, or read none: `length` is `len`, `eq` is
    `operator.eq`), classes, and those watched already."""
    if not callable(value) or isinstance(value, type) or hasattr(value, "watches_reads"):
        return False
    module = getattr(value, "__module__", None) or ""
    return not (module.startswith("jinja2.") or module in {"builtins", "_operator", "operator"})
