"""Related updates: for every article, the others most related to it: pure functions over plain
data, and `place`, which gives them to the build (at the end).

Relatedness is the sum of the weights of the keywords (topics and countries) two articles share,
each weighted by its field and by how rare it is (inverse document frequency), times a mild
preference for recent items (a half-life). Keywords on more than a set share of the articles
say little and are dropped.

How it stays fast at tens of thousands of articles: articles are numbered newest first, and each
keyword has a posting list of those numbers. An article with keywords K shares some subset S of K
with every related article, which then scores weight(S) x recency. The search walks the subsets of
K from the heaviest down; the articles having all of S are the intersection of its postings
(cached: many articles share a pair of topics), newest first. A first meeting gives the exact
score, since heavier subsets come first, and the walk stops as soon as no remaining subset can
beat the list it has. The work for one article touches only the postings of its own keywords.
An article that shares only dropped keywords with others gets the newest articles sharing them.
"""

import gc
import math
from bisect import insort
from dataclasses import dataclass, field

from .contents import generators_by_kind
from .settings import setting
from .suggestions import did_you_mean
from .topics import key_maker
from .validation import Problem


@dataclass(frozen=True)
class Doc:
    slug: str
    type: str
    day: int  # the date as a day number (date.toordinal())
    keywords: tuple = ()  # (field, keyword) pairs, keywords already normalised
    pinned: tuple = ()  # the editor's `Related:` slugs, in order


@dataclass(frozen=True)
class Config:
    weights: dict = field(default_factory=lambda: {"tags": 1.0, "countries": 1.0})
    half_life_days: float = 730.0  # recency counts half as much for an item this much older than the newest
    oldest_factor: float = 0.5  # the score of a very old item is multiplied by this; of the newest, by 1
    maximum: int = 4
    max_share: float = 0.2  # a keyword on more than this share of the articles is dropped ...
    min_dropped: int = 50  # ... if it is on at least this many (small sites keep every keyword)
    max_same_type: int = 3  # at most this many of one type, when candidates of another allow
    max_keywords: int = 6  # an article's heaviest keywords used (63 subsets at most)


def related_updates(docs, config=Config()):
    """{slug: [related slugs, best first]} for every doc; pins first and counted in the maximum."""
    # Many small objects and no cycles: the cyclic garbage collector would only re-scan the
    # growing caches again and again (the run would grow faster than the site).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _related_updates(docs, config)
    finally:
        if collecting:
            gc.enable()


def _related_updates(docs, config):
    ranked = sorted(docs, key=lambda d: (-d.day, d.slug))
    rank_of = {d.slug: r for r, d in enumerate(ranked)}
    ids, postings, keywords_of = {}, [], []  # keywords are numbered in order of first use
    for r, doc in enumerate(ranked):
        own = set()
        for keyword in doc.keywords:
            if keyword not in ids:
                ids[keyword] = len(postings)
                postings.append([])
            own.add(ids[keyword])
        for i in own:
            postings[i].append(r)  # ranks ascending: newest first
        keywords_of.append(frozenset(own))

    n = len(ranked)
    field_of = [keyword[0] for keyword in ids]
    weight = {
        i: config.weights.get(field_of[i], 1.0) * math.log(n / len(ranks))
        for i, ranks in enumerate(postings)
        if len(ranks) >= 2 and (len(ranks) <= config.max_share * n or len(ranks) < config.min_dropped)
    }
    newest = ranked[0].day if ranked else 0
    floor = config.oldest_factor
    decay = [floor + (1 - floor) * 0.5 ** ((newest - d.day) / config.half_life_days) for d in ranked]
    types = [d.type for d in ranked]
    search = _Search(postings, weight, decay, config.max_keywords)

    result = {}
    # Articles with the same or similar keywords one after another: their searches then walk the
    # same cached lists while those are still in the processor's caches (15 % faster at 20,000
    # articles). Each article's list does not depend on this order.
    for r in sorted(range(n), key=lambda r: sorted(keywords_of[r])):
        doc = ranked[r]
        pins = [s for s in dict.fromkeys(doc.pinned) if s in rank_of and s != doc.slug][: config.maximum]
        exclude = {r, *(rank_of[s] for s in pins)}
        wanted = config.maximum - len(pins)
        own = keywords_of[r]
        found = search.best(own, wanted, exclude)
        if len(found) < wanted:
            found += _newest_sharing_dropped(
                own, postings, weight, exclude | {rank for _s, rank in found}, wanted - len(found)
            )
        found = _mix_types(found, [types[rank_of[s]] for s in pins], types, search, own, exclude, config)
        result[doc.slug] = pins + [ranked[rank].slug for _score, rank in found]
    return {doc.slug: result[doc.slug] for doc in ranked}


def _newest_sharing_dropped(keywords, postings, weight, taken, wanted):
    """When too few articles share a telling keyword: the newest sharing a common one."""
    extra = []
    for keyword in sorted((kw for kw in keywords if kw not in weight), key=lambda kw: (len(postings[kw]), kw)):
        for rank in postings[keyword]:
            if len(extra) == wanted:
                return extra
            if rank not in taken:
                taken = taken | {rank}
                extra.append((0.0, rank))
    return extra


def more_on(related, members, order, maximum):
    """For each group of articles (a topic): up to `maximum` articles outside it that its members'
    related lists point to most, best first. The "More on <topic>" list of a topic page.

    related: {slug: [related slugs, best first]} (what `related_updates` returns);
    members: {group: [slugs]}; order: {slug: position}, newest first (it breaks ties).
    An item scores, from each member whose list has it, the maximum minus its place there
    (first place counts most), so an item close to many members comes first.
    """
    result = {}
    for group, slugs in members.items():
        inside, score = set(slugs), {}
        for slug in slugs:
            for place, other in enumerate(related.get(slug, ())):
                if other not in inside:
                    score[other] = score.get(other, 0) + maximum - place
        ranked = sorted(score, key=lambda other: (-score[other], order[other]))
        result[group] = ranked[:maximum]
    return result


def check_pins(path, pinned, slugs):
    """Problems with an article's `Related:` line: every slug must be an article."""
    if [s.lower() for s in pinned] == ["none"]:
        return []
    return [
        Problem(
            path,
            "Related",
            f"'{slug}' is not an article; write the file name of one (without .md), or 'none'"
            + did_you_mean(slug, slugs),
        )
        for slug in pinned
        if slug not in slugs
    ]


def _mix_types(found, pinned_types, types, search, keywords, exclude, config):
    """Swap the weakest found items of an over-represented type for the best of other types."""
    chosen = pinned_types + [types[rank] for _score, rank in found]
    for kind in sorted(set(chosen)):
        excess = chosen.count(kind) - config.max_same_type
        removable = [item for item in found if types[item[1]] == kind]
        if excess <= 0 or not removable:
            continue
        taken = exclude | {rank for _score, rank in found}
        others = search.best(
            keywords, min(excess, len(removable)), taken, allowed=lambda r, kind=kind: types[r] != kind
        )
        if others:
            dropped = removable[-len(others) :]
            found = sorted([item for item in found if item not in dropped] + others, key=lambda x: (-x[0], x[1]))
    return found


class _Search:
    def __init__(self, postings, weight, decay, max_keywords):
        self.weight, self.decay, self.max_keywords = weight, decay, max_keywords
        self.sets = {kw: set(postings[kw]) for kw in weight}  # keyword numbers -> set of ranks
        # keywords (heaviest first) -> ranks of the articles having all of them, newest first
        self._members = {(kw,): postings[kw] for kw in weight}
        self._plans = {}  # an article's keywords -> its subsets, heaviest first

    def best(self, keywords, k, exclude, allowed=None):
        """Up to k (score, rank) pairs, best first: highest score, then lowest rank (newest)."""
        if k <= 0:
            return []
        decay = self.decay
        chosen, weights, order = self._plan(keywords)
        top, seen = [], set(exclude)  # top holds (-score, rank), best first
        for mask in order:
            weight = weights[mask]
            if len(top) == k and weight < -top[-1][0]:
                break  # no article met later can score more
            for rank in self._having_all(tuple(map(chosen.__getitem__, _BITS[mask]))):
                if rank in seen:
                    continue
                seen.add(rank)
                if allowed is not None and not allowed(rank):
                    continue
                entry = (-weight * decay[rank], rank)
                if len(top) == k:
                    if entry >= top[-1]:
                        break  # the rest of this subset is older: none can do better
                    top.pop()
                insort(top, entry)
        return [(-score, rank) for score, rank in top]

    def _plan(self, keywords):
        """The article's heaviest keywords (heaviest first), the weight of each subset of them
        (indexed by bit mask), and the masks from the heaviest subset down. Cached."""
        plan = self._plans.get(keywords)
        if plan is None:
            chosen = sorted((kw for kw in keywords if kw in self.weight), key=lambda kw: (-self.weight[kw], kw))
            chosen = tuple(chosen[: self.max_keywords])
            weights = [0.0] * (1 << len(chosen))
            for mask in range(1, 1 << len(chosen)):
                low = mask & -mask
                weights[mask] = weights[mask ^ low] + self.weight[chosen[low.bit_length() - 1]]
            order = sorted(range(1, 1 << len(chosen)), key=weights.__getitem__, reverse=True)
            plan = self._plans[keywords] = (chosen, weights, order)
        return plan

    def _having_all(self, subset):
        """Ranks of the articles having every keyword of `subset` (heaviest first), newest first."""
        ranks = self._members.get(subset)
        if ranks is None:
            # Narrow the list without the lightest (most common) keyword: it is the shorter one.
            ranks = list(filter(self.sets[subset[-1]].__contains__, self._having_all(subset[:-1])))
            self._members[subset] = ranks
        return ranks


# _BITS[mask]: the positions of the set bits of mask, for the subsets of up to 8 keywords.
_BITS = [tuple(i for i in range(8) if mask >> i & 1) for mask in range(1 << 8)]


# --- In the build ----------------------------------------------------------------------------


def place(generators):
    """all_generators_finalized, after the articles' facts: every article gets its
    `related_updates` (Article objects), computed for all at once, and the context its
    `more_on_topic`: {topic slug: [Article]} for the topic pages."""
    articles_gen = generators_by_kind(generators)[0]
    settings = articles_gen.settings
    config = Config(
        weights=setting(settings, "RELATED_WEIGHTS"),
        half_life_days=setting(settings, "RELATED_HALF_LIFE_DAYS"),
        oldest_factor=setting(settings, "RELATED_OLDEST_FACTOR"),
        maximum=setting(settings, "RELATED_UPDATES_MAX"),
        max_share=setting(settings, "RELATED_MAX_SHARE"),
        min_dropped=setting(settings, "RELATED_MIN_DROPPED"),
        max_same_type=setting(settings, "RELATED_MAX_SAME_TYPE"),
    )
    articles = articles_gen.articles  # published, in the default language (and drafts in a preview)
    slug = key_maker(settings)
    docs = [
        Doc(
            slug=a.slug,
            type=a.type,
            day=a.date.toordinal(),
            keywords=tuple(("tags", slug(t.name)) for t in getattr(a, "tags", []))
            + tuple(("countries", slug(name)) for name in a.country_names),
            pinned=tuple(a.related_slugs),
        )
        for a in articles
    ]
    related = related_updates(docs, config)
    by_slug = {a.slug: a for a in articles}
    for article in articles:
        hidden = [s.lower() for s in article.related_slugs] == ["none"]
        article.related_updates = [] if hidden else [by_slug[s] for s in related[article.slug]]
    for translation in [*articles_gen.translations, *articles_gen.drafts, *articles_gen.drafts_translations]:
        original = by_slug.get(translation.slug)
        shown = original.related_updates if original else []
        translation.related_updates = [a for a in shown if a is not translation]
    # "More on <topic>" on a topic's page: what its articles' related lists point to outside it.
    members = {}
    for article in articles:
        for tag in getattr(article, "tags", []):
            members.setdefault(tag.slug, []).append(article.slug)
    order = {d.slug: i for i, d in enumerate(sorted(docs, key=lambda d: (-d.day, d.slug)))}
    articles_gen.context["more_on_topic"] = {
        topic: [by_slug[s] for s in slugs] for topic, slugs in more_on(related, members, order, config.maximum).items()
    }
