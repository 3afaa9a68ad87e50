"""What the templates show about an article beyond Pelican's own fields, derived from its
metadata: pure functions, tested without a build, and `prepare`, which gives them to the build."""

import re
from dataclasses import dataclass

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


def article_facts(folder, meta, content_types, case_statuses, media_contact):
    """The extra attributes an article of this folder gets for its templates."""
    kind = content_types[folder]
    facts = {
        "type": kind["type"],
        "type_label": kind["label"],
        "type_plural": kind["plural"],
        "template": meta.get("template") or kind["type"],
        "country_names": split_list(meta.get("countries")),
        "action_slugs": split_list(meta.get("actions")),
        "related_slugs": split_list(meta.get("related")),
    }
    if kind["type"] == "press-release":
        facts["media_contact"] = parse_contact(meta.get("contact") or media_contact)
    if kind["type"] == "case-study":
        status = str(meta.get("case_status", "")).strip()
        facts["case_status"] = status
        facts["case_status_label"] = case_statuses.get(status, status)
    return facts


def reading_minutes(html, words_per_minute=200):
    """How long the text takes to read, in whole minutes (at least 1)."""
    words = len(re.findall(r"\w+", text_of(html)))
    return max(1, round(words / words_per_minute))


def prepare(generators):
    """all_generators_finalized, after the checks: every article gets its facts as attributes
    (type, labels, countries as Country pages, media contact, case status), and the context the
    content types (CONTENT_TYPES) for listings and menus."""
    articles_gen, pages_gen, _actions_gen, _static_gen = generators_by_kind(generators)
    settings = articles_gen.settings
    content_types = setting(settings, "CONTENT_TYPES")
    case_statuses = setting(settings, "CASE_STATUSES")
    media_contact = setting(settings, "MEDIA_CONTACT")
    countries = {}  # one Country per name: its slug is worked out once
    for article in all_contents(articles_gen, pages_gen)[0]:
        folder = article.relative_source_path.replace("\\", "/").split("/")[0]
        facts = article_facts(folder, article.metadata, content_types, case_statuses, media_contact)
        for name in facts["country_names"]:
            if name not in countries:
                countries[name] = Country(name, settings)
        facts["countries"] = [countries[name] for name in facts["country_names"]]
        for name, value in facts.items():
            setattr(article, name, value)
    articles_gen.context["CONTENT_TYPES"] = content_types
