"""What the templates show about an article beyond Pelican's own fields, derived from its
metadata: pure functions, tested without a build, and `prepare`, which gives them to the build."""

import re
from dataclasses import dataclass

from . import contract
from .contents import all_contents, generators_by_kind
from .countries import Country
from .markup import text_of
from .settings import setting
from .validation import split_list


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""

    @property
    def tel(self):
        """'+1 (212) 555-0199' -> 'tel:+12125550199', for a link a phone can dial."""
        return "tel:" + re.sub(r"[^\d+]", "", self.phone)


def parse_contact(text):
    """'Ana Ruiz, press@example.org, +1 212 555 0199' -> Contact; parts may come in any order."""
    name, email, phone = [], "", ""
    for part in split_list(text):
        if "@" in part and not email:
            email = part
        elif re.fullmatch(r"\+?[\d\s().-]{7,}", part) and not phone:
            phone = part
        else:
            name.append(part)
    return Contact(", ".join(name), email, phone)


def article_facts(kind, meta, lists, defaults):
    """The extra attributes an article of this type (a contract.Kind) gets for its templates.

    lists: {setting name: {value: label}} for one-of fields; defaults: {setting name: value} for
    fields that fall back on a setting. A contact field's card is `media_contact`; a one-of field
    gets its value and its `<name>_label`; the fields with a label are the facts block's
    (`shown_facts`: [(Field, value, label of the value)])."""
    facts = {
        "type": kind.type,
        "type_label": kind.label,
        "type_plural": kind.plural,
        "schema": kind.schema,
        "template": meta.get("template") or kind.template,
        "country_names": split_list(meta.get("countries")),
        "action_slugs": split_list(meta.get("actions")),
        "related_slugs": split_list(meta.get("related")),
    }
    shown = []
    for f in kind.fields.values():
        value = meta.get(f.name)
        if not value and f.default:
            value = defaults.get(f.default)
        raw = str(value or "").strip()
        if f.check == "contact":
            facts["media_contact"] = parse_contact(raw)
        elif f.check == "one-of" and f.choices in lists:
            facts[f.name] = raw
            facts[f"{f.name}_label"] = dict(lists[f.choices]).get(raw, raw)
        if f.label and raw:
            shown.append((f, raw, facts.get(f"{f.name}_label", raw)))
    facts["shown_facts"] = shown
    return facts


def reading_minutes(html, words_per_minute=200):
    """How long the text takes to read, in whole minutes (at least 1)."""
    words = len(re.findall(r"\w+", text_of(html)))
    return max(1, round(words / words_per_minute))


def prepare(generators):
    """all_generators_finalized, after the checks: every article gets its facts as attributes
    (type, labels, countries as Country pages, media contact, case status), and the context the
    content types (CONTENT_TYPES) for listings and menus; every item's translations in the order
    of LANGUAGES."""
    articles_gen, pages_gen, _actions_gen, _static_gen = generators_by_kind(generators)
    settings = articles_gen.settings
    content_types = contract.content_types(setting(settings, "CONTENT_TYPES"))
    declared = [f for kind in content_types.values() for f in kind.fields.values()]
    lists = {f.choices: settings.get(f.choices, {}) for f in declared if f.choices}
    defaults = {f.default: settings.get(f.default, "") for f in declared if f.default}
    countries = {}  # one Country per name: its slug is worked out once
    for article in all_contents(articles_gen, pages_gen)[0]:
        folder = article.relative_source_path.replace("\\", "/").split("/")[0]
        facts = article_facts(content_types[folder], article.metadata, lists, defaults)
        for name in facts["country_names"]:
            if name not in countries:
                countries[name] = Country(name, settings)
        facts["countries"] = [countries[name] for name in facts["country_names"]]
        for name, value in facts.items():
            setattr(article, name, value)
    articles_gen.context["CONTENT_TYPES"] = content_types
    languages = settings.get("LANGUAGES") or [settings["DEFAULT_LANG"]]
    articles, pages = all_contents(articles_gen, pages_gen)
    for item in [*articles, *pages]:
        item.translations = in_language_order(item.translations, languages)


def in_language_order(translations, languages):
    """An item's translations in the order of LANGUAGES (the order Pelican finds them in varies
    from build to build), any other language after them by its code."""
    rank = {lang: i for i, lang in enumerate(languages)}
    return sorted(translations, key=lambda t: (rank.get(t.lang, len(rank)), t.lang, t.relative_source_path))
