"""Parts of pages shared by many pages, rendered once per build and reused, the way Hugo's
`partialCached` works: the header's menu in each language and section, the footer in each
language, a set of calls to action in the sidebar.

    {% cache "footer", lang, search_url %} ... {% endcache %}

The arguments are the part's key: the template says what the part depends on, and every page
whose key is the same gets the same bytes (a part that reads anything else must not be cached,
or must put it in its key). What the part read of the site's articles and pages is kept with it,
and counts as read by each page that shows it (page_reads.py). The cache belongs to one Jinja
environment, which Pelican makes anew for each generator of each build: nothing is kept from one
build to the next.
"""

from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from . import page_reads


class FragmentCache(Extension):
    tags = frozenset({"cache"})

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(fragment_cache={})

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [nodes.Tuple(key, "load")]), [], [], body).set_lineno(lineno)

    def _render(self, key, caller):
        cache = self.environment.fragment_cache
        if key not in cache:
            with page_reads.recording() as read:
                cache[key] = (Markup(caller()), read)
            return cache[key][0]
        text, read = cache[key]
        page_reads.count_as_read(read)  # each page that shows the part reads what it read
        return text


def install(generator):
    """generator_init: the `{% cache %}` tag in this generator's Jinja environment."""
    if FragmentCache not in {type(extension) for extension in generator.env.extensions.values()}:
        generator.env.add_extension(FragmentCache)
