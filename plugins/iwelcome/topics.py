"""The key of a topic or a country: the slug Pelican makes of its name (`Health care` ->
`health-care`), so that an article, a call to action, related updates, validation and the topic
and country pages all agree on what is one topic, whatever its capitals and spacing. One
function for the whole plugin; `key_maker` remembers it per site, with its
SLUG_REGEX_SUBSTITUTIONS.

Names with one key are one topic, shown in one spelling: the one most files use
(`preferred_spellings`); `use_one_spelling` puts it in every article before Pelican makes the
topic pages, and `check` warns of the files that write another (validation.spelling_warnings).
"""

import functools
from collections import Counter, defaultdict

from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag
from pelican.utils import slugify

FIELDS = ("tags", "countries")  # the fields that name topics and countries


def key_maker(settings):
    """key(name) -> the slug Pelican gives a topic or country of this site, remembered (a site has
    few topics and countries but uses them often)."""
    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    return functools.lru_cache(maxsize=None)(lambda name: slugify(name, regex_subs=subs))


topic_key = key_maker(DEFAULT_CONFIG)  # with Pelican's default substitutions


def preferred_spellings(names_per_file, key):
    """{key: spelling}: for each topic (or country), the spelling the most files use; a tie goes
    to the first in code-point order ('Detention' before 'detention'), so that the answer never
    depends on the order files are read in. names_per_file: one list of names for each file."""
    counts = defaultdict(Counter)
    for names in names_per_file:
        for name in dict.fromkeys(" ".join(str(n).split()) for n in names):
            counts[key(name)][name] += 1
    return {k: min(spellings, key=lambda s, c=spellings: (-c[s], s)) for k, spellings in counts.items() if k}


def names_of(meta, field):
    """The names a file's `Tags:` or `Countries:` line gives, as the editor wrote them (before
    `use_one_spelling`, which keeps them in `_written`)."""
    value = meta.get("_written", {}).get(field, meta.get(field))
    if value is None:
        return []
    parts = value if isinstance(value, list) else str(value).split(",")
    return [p.strip() for p in (getattr(part, "name", part) for part in parts) if str(p).strip()]


def use_one_spelling(generator):
    """article_generator_pretaxonomy, first: every article, translation and draft writes each of
    its topics and countries in the preferred spelling, so that `detention` and `Detention` make
    one topic page, named as most files name it, whichever file Pelican reads first."""
    from .contents import all_contents  # the generators' lists of items

    key = key_maker(generator.settings)
    articles = all_contents(generator, None)[0]
    for field in FIELDS:
        preferred = preferred_spellings((names_of(a.metadata, field) for a in articles), key)
        for article in articles:
            names = names_of(article.metadata, field)
            if not names:
                continue
            shown = list(dict.fromkeys(preferred.get(key(n), n) for n in names))
            if shown == names:
                continue
            article.metadata.setdefault("_written", {})[field] = names
            value = [Tag(name, generator.settings) for name in shown] if field == "tags" else ", ".join(shown)
            article.metadata[field] = value
            setattr(article, field, value)
