"""The key of a topic or a country: the slug Pelican makes of its name (`Health care` ->
`health-care`), so that an article, a call to action, related updates, validation and the topic
and country pages all agree on what is one topic, whatever its capitals and spacing. One
function for the whole plugin; `key_maker` remembers it per site, with its
SLUG_REGEX_SUBSTITUTIONS."""

import functools

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify


def key_maker(settings):
    """key(name) -> the slug Pelican gives a topic or country of this site, remembered (a site has
    few topics and countries but uses them often)."""
    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    return functools.lru_cache(maxsize=None)(lambda name: slugify(name, regex_subs=subs))


topic_key = key_maker(DEFAULT_CONFIG)  # with Pelican's default substitutions
