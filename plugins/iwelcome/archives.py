"""Period archives (a year's articles at /archives/2024/), grouped in one pass.

Pelican groups them itself when its YEAR_ARCHIVE_SAVE_AS (MONTH_, DAY_) is set, but it finds each
period's articles by looking for every article in the period's list (`a in dates`): the work grows
with the square of the site (0.3 s of every build at 5,000 articles, four times that at 10,000).
So the site leaves Pelican's settings unset and names its archives in PERIOD_ARCHIVES instead
({"year": {"url": ..., "save_as": ...}}, and "month" or "day" alike): here, once Pelican has
read and ordered the articles (article_generator_finalized), each period gets the same entry
Pelican's grouping would have given it, in `period_archives`, the generator's and the context's.
Pelican then writes them as its own (the `period_archives` template, the same variables), and the
theme lists them from the context as before. A period whose Pelican setting is set too is left
to Pelican.
"""

import calendar
from itertools import groupby
from operator import attrgetter

from .settings import setting

GRANULARITIES = ("year", "month", "day")  # Pelican's, in its order
PERIOD_OF = {
    "year": attrgetter("date.year"),
    "month": attrgetter("date.year", "date.month"),
    "day": attrgetter("date.year", "date.month", "date.day"),
}


def periods(dates, articles, period_of):
    """[(period, its items of `dates`, its items of `articles`)]: `dates` (ordered by date) cut
    into runs of one period_of(item), as Pelican cuts them; each with the items of `articles`
    that are in that run, in the order of `articles`. Pure, and linear."""
    runs = [(period, list(run)) for period, run in groupby(dates, key=period_of)]
    where = {id(item): number for number, (_period, run) in enumerate(runs) for item in run}
    listed = [[] for _ in runs]
    for item in articles:
        number = where.get(id(item))
        if number is not None:
            listed[number].append(item)
    return [(period, run, listed[number]) for number, (period, run) in enumerate(runs)]


def entry(granularity, period, dates, articles, url, save_as):
    """One period's entry in `period_archives`, with the keys and values Pelican gives it."""
    first = dates[0].date  # any date of the period gives its addresses
    found = {"dates": dates, "articles": articles, "save_as": save_as.format(date=first), "url": url.format(date=first)}
    if granularity == "year":
        found["period"] = found["period_num"] = (period,)
    else:
        month = calendar.month_name[period[1]]
        found["period"] = (period[0], month) if granularity == "month" else (period[0], month, period[2])
        found["period_num"] = tuple(period)
    return found


def group(generator):
    """article_generator_finalized: the archives PERIOD_ARCHIVES names, in `period_archives`."""
    named = setting(generator.settings, "PERIOD_ARCHIVES")
    archives = generator.period_archives
    for granularity in GRANULARITIES:
        addresses = named.get(granularity)
        if not addresses or not addresses.get("save_as") or archives.get(granularity):
            continue  # not wanted, or grouped by Pelican (its own setting is set)
        archives[granularity] = [
            entry(granularity, period, dates, listed, addresses.get("url", ""), addresses["save_as"])
            for period, dates, listed in periods(generator.dates, generator.articles, PERIOD_OF[granularity])
        ]
        if not archives[granularity]:
            del archives[granularity]  # as Pelican leaves a granularity with no articles
    generator.context["period_archives"] = archives
