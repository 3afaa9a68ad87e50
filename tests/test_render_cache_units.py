"""The render cache's pure parts, without a build: the digest of what templates are given
(digest.py) and the choice of the last build's leftovers (render_cache.leftovers)."""

import collections
import copy
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from iwelcome import digest
from iwelcome.render_cache import leftovers, mostly_gone, page_contexts

leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.dates()
    | st.datetimes(timezones=st.just(datetime.UTC))
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=4), inner, max_size=4)
        | st.frozensets(st.integers(), max_size=4)
    ),
    max_leaves=20,
)


def digest_of(value):
    return digest.Digester().digest(value)


@given(values)
@settings(max_examples=300, deadline=None)
def test_a_value_and_its_copy_have_one_digest(value):
    assert digest_of(value) == digest_of(copy.deepcopy(value))


@given(values, values)
@settings(max_examples=300, deadline=None)
def test_values_that_differ_have_different_digests(a, b):
    same = type(a) is type(b) and a == b and repr(a) == repr(b)
    assert same or digest_of(a) != digest_of(b)


@given(st.lists(st.text(max_size=6), min_size=1, max_size=6), st.integers(min_value=0), st.text(max_size=6))
@settings(max_examples=200, deadline=None)
def test_changing_one_leaf_inside_a_structure_changes_the_digest(texts, index, replacement):
    index %= len(texts)
    before = {"items": [{"title": t} for t in texts]}
    after = copy.deepcopy(before)
    after["items"][index]["title"] = replacement
    assert (digest_of(before) == digest_of(after)) == (texts[index] == replacement)


def test_types_that_print_alike_are_told_apart():
    assert digest_of(1) != digest_of(True) != digest_of("1") != digest_of(1.0)
    assert digest_of([1, 2]) != digest_of((1, 2)) != digest_of([[1, 2]])
    assert digest_of(["ab", "c"]) != digest_of(["a", "bc"])
    assert digest_of(datetime.date(2027, 6, 20)) != digest_of("2027-06-20")
    # A subclass is fed as its base is (worked out once per class), under its own name.
    assert digest_of(Markup("<b>")) != digest_of("<b>") and digest_of(Markup("<b>")) == digest_of(Markup("<b>"))
    assert digest_of(collections.OrderedDict(a=1)) == digest_of(collections.OrderedDict(a=1)) != digest_of({"b": 1})


def test_a_dict_and_a_set_do_not_depend_on_their_order():
    assert digest_of({"a": 1, "b": 2}) == digest_of({"b": 2, "a": 1})
    assert digest_of(frozenset({3, 1, 2})) == digest_of(frozenset({2, 3, 1}))


def test_functions_are_told_apart_by_their_code():
    def make(n):
        return lambda x: x + n

    assert digest_of(make(1)) == digest_of(make(1))
    assert digest_of(make(1)) != digest_of(make(2))  # the closure's value
    assert digest_of(lambda x: x + 1) != digest_of(lambda x: x + 2)


def test_an_object_is_digested_by_its_public_attributes_and_properties():
    class Tag:
        def __init__(self, name, note):
            self._name = name
            self.note = note

        @property
        def name(self):
            return self._name

    assert digest_of(Tag("Detention", "x")) == digest_of(Tag("Detention", "x"))
    assert digest_of(Tag("Detention", "x")) != digest_of(Tag("Asylum", "x"))  # read through the property
    assert digest_of(Tag("Detention", "x")) != digest_of(Tag("Detention", "y"))


def test_an_object_known_only_by_its_address_turns_the_cache_off():
    with pytest.raises(digest.Undescribable):
        digest_of(object())


def test_objects_that_name_each_other_are_digested_without_end():
    class Node:
        def __init__(self, label):
            self.label = label
            self.other = None

    a, b = Node("a"), Node("b")
    a.other, b.other = b, a
    c, d = Node("a"), Node("c")
    c.other, d.other = d, c
    assert digest_of(a) != digest_of(c)


def test_the_leftovers_are_the_last_builds_files_this_build_did_not_write():
    times = {"old/index.html": 5, "kept.html": 20, "images/photo.jpg": 5, "gone.html": None}
    previous = [*times, "never-listed.html"]
    found = leftovers(previous, 10, kept={"images/photo.jpg"}, mtime_ns=lambda p: times.get(p))
    assert found == ["old/index.html"]  # written this build, a static file kept, a file already gone


def test_a_file_the_last_build_did_not_list_is_never_a_leftover():
    assert leftovers([], 10, kept=set(), mtime_ns=lambda p: 0) == []


def test_translations_come_in_the_order_of_the_sites_languages():
    from types import SimpleNamespace

    from iwelcome.articles import in_language_order

    found = [SimpleNamespace(lang=lang, relative_source_path=f"x-{lang}.md") for lang in ("fr", "ar", "es")]
    assert [t.lang for t in in_language_order(found, ["en", "es", "ar"])] == ["es", "ar", "fr"]
    assert [t.lang for t in in_language_order(list(reversed(found)), ["en", "es", "ar"])] == ["es", "ar", "fr"]


class Recording:
    """A template that keeps the local context of every page Pelican's writer renders with it."""

    name = "recording.html"

    def __init__(self):
        self.pages = []

    def render(self, localcontext):
        self.pages.append((localcontext["output_file"], localcontext))
        return ""


def comparable(value):
    """A page of a paginator compared by what it holds (each call makes new Page objects)."""
    from pelican.paginator import Page, Paginator

    if isinstance(value, Page):
        return ("page", value.number, list(value.object_list), value.save_as, value.url)
    if isinstance(value, Paginator):
        return ("paginator", value.num_pages, list(value.object_list))
    return value


@pytest.mark.parametrize("relative_urls", [False, True])
@pytest.mark.parametrize("count", [0, 1, 10, 11, 25])
def test_page_contexts_are_the_local_contexts_pelicans_writer_renders_with(tmp_path, relative_urls, count):
    """An unchanged write is skipped on the strength of page_contexts: they must be exactly what
    Pelican's own Writer.write_file gives the template, pagination and relative URLs included."""
    from pelican.settings import read_settings
    from pelican.writers import Writer

    settings = read_settings(override={"DEFAULT_PAGINATION": 10, "PAGINATED_TEMPLATES": {"tag": None, "index": 5}})
    context = {"SITENAME": "x", "articles": [f"a{n}" for n in range(count)], "localsiteurl": None}
    for template_name, kwargs in (
        ("tag", {"articles": [f"t{n}" for n in range(count)], "dates": [f"d{n}" for n in range(count)], "tag": "T"}),
        ("index", {"articles": [f"i{n}" for n in range(count)]}),
        ("article", {"article": "A", "category": "C"}),
    ):
        template = Recording()
        call = {"relative_urls": relative_urls, "template_name": template_name, "url": "topics/t/"}
        Writer(str(tmp_path), settings=settings).write_file(
            "topics/t/index.html", template, dict(context), **call, **kwargs
        )
        ours = page_contexts(settings, dict(context), "topics/t/index.html", kwargs, **call)
        assert [name for name, _, _ in ours] == [name for name, _ in template.pages]
        for (_, mine, keys), (_, pelicans) in zip(ours, template.pages, strict=True):
            assert {k: comparable(v) for k, v in mine.items()} == {k: comparable(v) for k, v in pelicans.items()}
            # The keys a page's key looks at: every other one holds the context's own value.
            assert all(key in context and mine[key] is context[key] for key in mine.keys() - keys)


def test_an_items_description_follows_its_metadata_and_its_attributes_apart():
    """Metadata values that are the item's attributes are written as references to them: a change
    to either, or to a value held only in the metadata, still changes the description."""
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    def described(tags=("a",), note="n", retitle=None):
        item = Article("<p>x</p>", {"title": "T", "tags": list(tags), "_note": note}, settings=dict(DEFAULT_CONFIG))
        item.source_path = "content/updates/x.md"
        if retitle is not None:
            item.title = retitle  # the attribute differs from the metadata's value now
        return digest.Digester().describe(item)

    assert described() == described()
    assert described(tags=("b",)) != described()
    assert described(note="m") != described()  # only in the metadata: '_note' is no attribute read
    assert described(retitle="U") != described()
    assert described(retitle="T") == described()  # an equal value, though not the same object


# --- mostly_gone: whether the last build's files are mostly not as it left them ---------------------


@given(
    st.dictionaries(st.text(min_size=1, max_size=8), st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1),
    st.sampled_from(["all there", "all gone", "all changed"]),
)
def test_files_all_there_or_all_gone_say_so(stamps, state):
    pages = {name: ["key", "text", size, time, []] for name, (size, time) in stamps.items()}
    stamp_of = {
        "all there": lambda name: list(stamps[name]),
        "all gone": lambda name: None,
        "all changed": lambda name: [stamps[name][0], stamps[name][1] + 1],  # written since
    }[state]
    assert mostly_gone(pages, stamp_of) is (state != "all there")


def test_a_few_files_gone_do_not_count_as_the_output_gone():
    pages = {f"p{n:03}/index.html": ["key", "text", 10, n, []] for n in range(100)}
    asked = []

    def stamp_of(name):
        asked.append(name)
        return None if name.startswith("p00") else [10, pages[name][3]]  # 10 of 100 gone

    assert not mostly_gone(pages, stamp_of)
    assert 1 < len(asked) <= 8 and len(set(asked)) == len(asked)  # a few, spread: not every file
    assert mostly_gone(pages, lambda name: None if name < "p060" else [10, pages[name][3]])
