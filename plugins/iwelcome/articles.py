"""What the templates show about an article beyond Pelican's own fields, derived from its
metadata. Pure functions: tested without a build."""

import re
from dataclasses import dataclass

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
    words = len(re.findall(r"\w+", re.sub(r"<[^>]*>", " ", html or "")))
    return max(1, round(words / words_per_minute))
