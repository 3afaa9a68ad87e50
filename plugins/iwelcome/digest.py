"""A digest of what templates are given: the same data gives the same digest, in any build and
any process, and data that differs in anything a template could read gives another.

The render cache (render_cache.py) keys each page by it. Pure functions over plain data and
Pelican's content objects; nothing here knows the site.

- Plain values (text, numbers, dates, None) by type and value; lists, tuples and dicts in order,
  dicts by their keys, sets sorted; functions by their module, name and code (so a lambda changed
  in the settings is a change).
- An article or page (a `Content`) is written as who it is (`identity`) wherever it is met, and
  described once (`described`): every public attribute but its `settings` (which reach a page
  through the context, digested there) and every public property (its summary, its status) but
  those Pelican works out from them (its addresses) and its body; a value of its `metadata` that
  is the very object of one of those attributes is written as a reference to it. A page's own
  item is described with its body (`ContextDigest.page`), any other with the items that a page
  read (`ContextDigest.read`, page_reads.py).
- Containers and objects are remembered by identity within a build, but for the lists and dicts
  met only once: an item's own, and the fresh ones a property makes at each reading.
- Any other object by its class, public attributes and public properties. An object the digest
  cannot describe the same way twice (its only description is a memory address) raises
  `Undescribable`: a build that meets one renders every page, as without a cache.
"""

import datetime
import hashlib
import types

from pelican.contents import Content

SKIPPED_ATTRIBUTES = frozenset({"settings"})
BODY = "content"  # a content object's body: only for the page's own item
# Properties that Pelican works out from what is digested already (the metadata, the source path and
# the settings), and dearly: a content object's addresses. `url_format` would also differ in every
# build, as it takes the time of the call for an item without a date.
SKIPPED_PROPERTIES = frozenset({"url_format", "url", "save_as", "relative_dir"})

# What a value is fed as, worked out once per class (the digest asks for it hundreds of thousands
# of times a build): its kind (`feed`), and a compound value's shape (`feed_compound`).
SCALAR, TEXT, BYTES, MOMENT, DURATION = "scalar", "text", "bytes", "moment", "duration"
CONTENT, COMPOUND = "content", "compound"
SEQUENCE, MAPPING, SET, CODE, MODULE, OTHER = ("sequence", "mapping", "set", "code", "module", "other")
_kinds = {}
_shapes = {}
CONTAINERS = list | tuple | dict | set | frozenset


def kind_of(cls):
    if cls is type(None) or issubclass(cls, bool | int | float | complex):
        kind = SCALAR
    elif issubclass(cls, str):
        kind = TEXT
    elif issubclass(cls, bytes):
        kind = BYTES
    elif issubclass(cls, datetime.datetime | datetime.date | datetime.time):
        kind = MOMENT
    elif issubclass(cls, datetime.timedelta):
        kind = DURATION
    elif issubclass(cls, Content):
        kind = CONTENT
    else:
        kind = COMPOUND
    _kinds[cls] = kind
    return kind


def shape_of(cls):
    if issubclass(cls, list | tuple):
        shape = SEQUENCE
    elif issubclass(cls, dict):
        shape = MAPPING
    elif issubclass(cls, set | frozenset):
        shape = SET
    elif issubclass(cls, types.FunctionType | types.MethodType | types.BuiltinFunctionType | type):
        shape = CODE
    elif issubclass(cls, types.ModuleType):
        shape = MODULE
    else:
        shape = OTHER
    _shapes[cls] = shape
    return shape


class Undescribable(Exception):
    """A value with no description but its address in memory."""


def identity(item):
    """Who a content object is, the same in every build: its class, source and language (a
    preview's copy of a draft shares its original's; both are described)."""
    return f"{type(item).__name__}:{getattr(item, 'relative_source_path', '')}:{getattr(item, 'lang', '')}"


class Digester:
    """Digests of values within one build. Containers and objects are remembered by id, each
    with the value itself, which is thus kept alive: an id is never reused while it is
    remembered. Values must not change while the digester lives (one per build's writing:
    Pelican does not change what it writes from).

    A content object is fed as its identity, and collected in `met` under it (`know`), where the
    pages that read it find it to describe it (`described`, once per object)."""

    def __init__(self):
        self.known = {}  # id -> digest, of containers and objects ...
        self.kept = []  # ... whose values are kept here, in a list: less memory than a pair each
        self.page_known = {}  # the same, of one page's own values: forgotten after the page
        self.identities = {}  # id -> (content object, identity)
        self.descriptions = {}  # id -> (content object, its description)
        self.met = {}  # identity -> {id: content object}, to be described
        self.met_count = 0  # content objects in `met`
        self.page_scope = False  # while a page's own values are fed: its own objects are forgotten after it
        self.in_progress = set()
        self.cycles = 0  # cycles met so far: a value whose walk met one is not remembered
        # > 0 while an item is described (it is, once) or a property's value fed (made anew at each
        # reading): the lists and dicts met then are met once, and are not remembered (at 2,000
        # articles, 20,000 of them that no page met again).
        self.transient = 0

    def digest(self, value):
        h = hashlib.blake2b(digest_size=16)
        self.feed(h, value)
        return h.digest()

    def know(self, item):
        """A content object's identity, the object kept in `met` under it."""
        key = self.identity(item)
        objects = self.met.setdefault(key, {})
        if id(item) not in objects:
            objects[id(item)] = item
            self.met_count += 1
        return key

    def identity(self, item):
        key = id(item)
        if key not in self.identities:
            self.identities[key] = (item, identity(item))
        return self.identities[key][1]

    def feed(self, h, value):
        kind = _kinds.get(type(value)) or kind_of(type(value))
        if kind is TEXT:
            h.update(f"{type(value).__name__}:{len(value)}:".encode())
            h.update(value.encode("utf-8", "surrogatepass"))
        elif kind is COMPOUND:
            h.update(self.remembered(value))
        elif kind is CONTENT:
            h.update(f"content:{self.know(value)};".encode())
        elif kind is SCALAR:
            h.update(f"{type(value).__name__}:{value!r};".encode())
        elif kind is MOMENT:
            tz = getattr(value, "tzinfo", None)
            h.update(f"{type(value).__name__}:{value.isoformat()}:{tz!s};".encode())
        elif kind is BYTES:
            h.update(b"bytes:%d:" % len(value) + value)
        else:  # DURATION
            h.update(f"timedelta:{value.total_seconds()!r};".encode())

    def remembered(self, value):
        """The digest of a container or object, worked out once per digester."""
        key = id(value)
        if key in self.known:
            return self.known[key]
        if key in self.page_known:
            return self.page_known[key][1]
        if key in self.in_progress:  # a cycle
            self.cycles += 1
            return f"cycle:{type(value).__qualname__};".encode()
        self.in_progress.add(key)
        cycles = self.cycles
        try:
            h = hashlib.blake2b(digest_size=16)
            self.feed_compound(h, value)
            result = h.digest()
        finally:
            self.in_progress.discard(key)
        if self.cycles == cycles:  # a digest that depends on where the walk entered a cycle is not kept
            if self.transient and isinstance(value, CONTAINERS):
                return result  # an item's own lists, a property's fresh list: met once, not kept
            # A page's own objects (its listing's page) are forgotten with it; lists are kept for the
            # build: a topic's list of items is given to each page of the topic.
            lasting = not self.page_scope or isinstance(value, list | tuple | set | frozenset)
            if lasting:
                self.known[key] = result
                self.kept.append(value)
            else:
                self.page_known[key] = (value, result)
        return result

    def feed_compound(self, h, value):
        shape = _shapes.get(type(value)) or shape_of(type(value))
        if shape is SEQUENCE:
            h.update(f"{type(value).__name__}:{len(value)}[".encode())
            for item in value:
                self.feed(h, item)
            h.update(b"]")
        elif shape is MAPPING:
            items = sorted(((self.digest(k), i) for i, k in enumerate(value)), key=lambda pair: pair[0])
            values = list(value.values())
            h.update(f"dict:{len(items)}{{".encode())
            for key_digest, index in items:
                item = values[index]
                h.update(key_digest)
                self.feed(h, item)
            h.update(b"}")
        elif shape is SET:
            h.update(f"set:{len(value)}{{".encode())
            for item_digest in sorted(self.digest(item) for item in value):
                h.update(item_digest)
            h.update(b"}")
        elif shape is CODE:
            self.feed_code(h, value)
        elif shape is MODULE:
            h.update(f"module:{value.__name__};".encode())
        elif hasattr(value, "__dict__"):
            h.update(f"object:{type(value).__module__}.{type(value).__qualname__}{{".encode())
            self.feed_attributes(h, vars(value))
            self.feed_properties(h, value)
            h.update(b"}")
        else:
            text = repr(value)
            if " at 0x" in text or " object at " in text:
                raise Undescribable(f"{type(value).__qualname__} has no description but its address")
            h.update(f"repr:{type(value).__qualname__}:{text};".encode())

    def feed_attributes(self, h, attributes, skip=()):
        for name in sorted(attributes):
            if name.startswith("_") or name in SKIPPED_ATTRIBUTES or name in skip:
                continue
            h.update(f"{name}=".encode())
            self.feed(h, attributes[name])

    def feed_metadata(self, h, metadata, attributes):
        """A content object's `metadata`, whose values Pelican also sets as its attributes (the
        key in lower case): a value that is the very object of that attribute, described beside it,
        is written as a reference to it (about half of what describing an item fed)."""
        if not all(type(key) is str for key in metadata):
            self.feed(h, metadata)
            return
        h.update(f"metadata:{len(metadata)}{{".encode())
        for key in sorted(metadata):
            value = metadata[key]
            self.feed(h, key)
            name = key.lower()
            if not name.startswith("_") and name not in SKIPPED_ATTRIBUTES and attributes.get(name, h) is value:
                h.update(b"=attribute;")
            else:
                self.feed(h, value)
        h.update(b"}")

    def feed_properties(self, h, value, skip=()):
        """The public properties of an object's class, evaluated (a Tag's name is one, kept in a
        private attribute): what a template reads as `value.name`."""
        for name in properties_of(type(value)):
            if name in skip or name in SKIPPED_PROPERTIES:
                continue
            try:
                found = getattr(value, name)
            except Exception as error:  # noqa: BLE001  (a property that fails is described by its failure)
                found = f"<{type(error).__name__}>"
            h.update(f"{name}:=".encode())
            self.transient += 1
            try:
                self.feed(h, found)
            finally:
                self.transient -= 1

    def feed_code(self, h, value):
        function = getattr(value, "__func__", value)
        h.update(f"code:{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')};".encode())
        code = getattr(function, "__code__", None)
        if code is not None:
            self.feed_code_object(h, code)
            self.feed(h, function.__defaults__)
            for cell in function.__closure__ or ():
                try:
                    self.feed(h, cell.cell_contents)
                except ValueError:  # an empty cell
                    h.update(b"empty-cell;")
        if isinstance(value, types.MethodType):
            self.feed(h, value.__self__)

    def feed_code_object(self, h, code):
        h.update(code.co_code)
        h.update(repr(code.co_names).encode())
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                self.feed_code_object(h, constant)
            else:
                h.update(repr(constant).encode())

    def described(self, item):
        """describe(item), worked out once per digester."""
        key = id(item)
        if key in self.descriptions:
            return self.descriptions[key][1]
        if key in self.in_progress:  # items that name each other (translations)
            self.cycles += 1
            return b"cycle:content;"
        self.in_progress.add(key)
        cycles = self.cycles
        try:
            result = self.describe(item)
        finally:
            self.in_progress.discard(key)
        if self.cycles == cycles:
            self.descriptions[key] = (item, result)
        return result

    def describe(self, item):
        """The digest of a content object's public attributes and properties but its body: what a
        template could read of it on another item's page."""
        h = hashlib.blake2b(digest_size=16)
        h.update(self.identity(item).encode())
        attributes = vars(item)
        metadata = attributes.get("metadata")
        self.transient += 1
        try:
            if isinstance(metadata, dict):
                self.feed_attributes(h, attributes, skip={"metadata"})
                h.update(b"metadata=")
                self.feed_metadata(h, metadata, attributes)
            else:
                self.feed_attributes(h, attributes)
            self.feed_properties(h, item, skip={BODY})
        finally:
            self.transient -= 1
        return h.digest()

    def describe_met(self, h, done):
        """Add to `h` the description of every content object met (`met` keeps them all), those
        met while describing them included, in a fixed order; `done` gets their identities."""
        while True:
            waiting = sorted(key for key in self.met if key not in done)
            if not waiting:
                return
            for key in waiting:
                done.add(key)
                descriptions = sorted(self.described(item) for item in self.met[key].values())
                h.update(key.encode())
                for description in descriptions:
                    h.update(description)


_properties = {}


def deprecated(prop):
    """Pelican's old names for attributes (`filename` for `source_path`), which warn when read."""
    return "deprecated_attribute" in getattr(prop.fget, "__qualname__", "")


def properties_of(cls):
    """The names of the public properties of a class and its bases, in order."""
    if cls not in _properties:
        _properties[cls] = sorted(
            name
            for klass in cls.__mro__
            for name, v in vars(klass).items()
            if isinstance(v, property) and not name.startswith("_") and not deprecated(v)
        )
    return _properties[cls]


class ContextDigest:
    """The digest of a build's context (every key but `skip`), each article or page in it written
    as who it is; the description of each of them, for the pages that read it (`read`); and a
    page's own values (`page`). Pelican changes a few keys while it writes (an archive's
    `period`): `update` again costs little, since the digester remembers the rest."""

    def __init__(self, skip=()):
        self.skip = frozenset(skip)
        self.digester = Digester()
        self.described = set()  # the identities described so far
        self.described_count = -1
        self.read_parts = {}  # identity -> the digest of its objects' descriptions (`read`)
        self.always = b""  # the digest of the settings and the plugin's tables: in every page's key
        self.by_name = {}  # the digest of each key in lower case (the content's lists): for the pages that read it
        self.name_keys = {}  # name -> "=name", one string each
        self.name_parts = {}  # "=name" -> what `read` writes of it, for the context as it is now

    def update(self, context):
        digester = self.digester
        h = hashlib.blake2b(digest_size=16)
        always = hashlib.blake2b(digest_size=16)
        self.by_name = {}
        for key in sorted(k for k in context if k not in self.skip):
            part = hashlib.blake2b(digest_size=16)
            digester.feed(part, context[key])
            value = f"{key}=".encode() + part.digest()
            h.update(value)
            if key.islower():
                self.by_name[key] = part.digest()
            else:
                always.update(value)
        self.always = always.digest()
        self.name_parts = {}
        if digester.met_count != self.described_count:
            # Every content object the context leads to is known by its identity before any page's
            # reads are looked up (`read`): an item that only another item names (a translation) too.
            digester.describe_met(hashlib.blake2b(digest_size=16), self.described)
            self.described_count = digester.met_count  # describing meets more: counted once done
        return h.digest()

    def know(self, items):
        """Content objects a page's render read: known by their identity from now on."""
        digester = self.digester
        for item in items:
            count = digester.met_count
            key = digester.know(item)
            if digester.met_count != count:
                self.read_parts.pop(key, None)  # described again, with the object now known

    def identities(self, items, names=()):
        """What a render read, as `read` takes it: (the identities of content objects, "=name" of
        the names of the context), each sorted, each once (one string an item, one a name)."""
        keys = self.name_keys
        return (
            tuple(sorted({self.digester.identity(item) for item in items})),
            tuple(sorted({keys.get(name) or keys.setdefault(name, f"={name}") for name in names})),
        )

    def read(self, reads):
        """What a page read (`reads`, as `identities` gives it: the content objects it read, and
        "=name" of the names of the context it resolved): for an item, the description of every object of
        that identity as this build has them (an identity it has none of is written as gone); for a
        name in lower case, the digest of its value (or its absence)."""
        parts, names = self.read_parts, self.name_parts
        return b"".join([parts.get(key) or names.get(key) or self.read_part(key) for part in reads for key in part])

    def read_part(self, key):
        if key.startswith("="):  # a name of the context: its value's digest, until the context changes
            self.name_parts[key] = b"%s:%s;" % (key.encode(), self.by_name.get(key[1:], b"-"))
            return self.name_parts[key]
        digester = self.digester
        h = hashlib.blake2b(f"read:{key};".encode(), digest_size=16)
        objects = list(digester.met.get(key, {}).values())
        if not objects:
            h.update(b"gone;")
        for description in sorted(digester.described(item) for item in objects):
            h.update(description)
        self.read_parts[key] = h.digest()
        return self.read_parts[key]

    def page(self, h, values):
        """Add to `h` the digest of a page's own values (its item, its listing's page, its file
        name), a content object among them written as who it is, and the page's own item described
        whole, its body too."""
        digester = self.digester
        digester.page_scope = True
        digester.page_known = {}
        try:
            for key in sorted(values):
                h.update(f"{key}=".encode())
                digester.feed(h, values[key])
                if isinstance(values[key], Content):  # the page's own item: all of it, its body too
                    h.update(digester.described(values[key]))
                    digester.feed(h, getattr(values[key], BODY))
        finally:
            digester.page_scope = False
            digester.page_known = {}
