"""Preview builds (`invoke serve`): drafts and embargoed items appear where they will once
published, each marked with a banner, so an editor sees the page in place before it goes out."""

import copy
from datetime import UTC, datetime

from pelican.utils import order_content

from .embargo import embargo_time
from .settings import setting


def show_drafts_in_preview(generator):
    """Articles: runs before Pelican groups them into listings, topics and archives."""
    if not setting(generator.settings, "PREVIEW"):
        return
    order = generator.settings["ARTICLE_ORDER_BY"]
    generator.articles[:] = order_content(generator.articles + _published(generator.drafts, generator), order)
    generator.translations += _published(generator.drafts_translations, generator)
    generator.drafts[:], generator.drafts_translations[:] = [], []


def show_draft_pages_in_preview(generator):
    if not setting(generator.settings, "PREVIEW"):
        return
    generator.pages += _published(generator.draft_pages, generator)
    generator.translations += _published(generator.draft_translations, generator)
    generator.draft_pages[:], generator.draft_translations[:] = [], []


def _published(drafts, generator):
    """Copies that render at their public address (Pelican's cache keeps the originals); links
    written `{filename}...` to a draft lead to its copy."""
    now = datetime.now(UTC)
    shown = []
    for draft in drafts:
        item = copy.copy(draft)
        date = getattr(draft, "date", None)
        if date is not None and date.astimezone(UTC) > now:
            item.preview_banner = f"Embargoed: this goes live on {embargo_time(date, generator.settings)}."
        elif (
            draft.metadata.get("status") != "draft"
            and getattr(draft, "lang", None) != generator.settings["DEFAULT_LANG"]
        ):
            item.preview_banner = "Not published yet: a translation goes live with its original."
        else:
            item.preview_banner = "Draft: this is not on the public site."
        item.status = "published"
        generator.context["generated_content"][draft.get_relative_source_path()] = item
        shown.append(item)
    return shown
