"""Preview builds (`invoke serve`): drafts and embargoed items appear where they will once
published, each marked with a banner, so an editor sees the page in place before it goes out."""

import copy
from datetime import datetime, timezone

from pelican.utils import order_content

from .settings import setting


def show_drafts_in_preview(generator):
    """Articles: runs before Pelican groups them into listings, topics and archives."""
    if not setting(generator.settings, "PREVIEW"):
        return
    order = generator.settings["ARTICLE_ORDER_BY"]
    generator.articles[:] = order_content(generator.articles + _published(generator.drafts), order)
    generator.translations += _published(generator.drafts_translations)
    generator.drafts[:], generator.drafts_translations[:] = [], []


def show_draft_pages_in_preview(generator):
    if not setting(generator.settings, "PREVIEW"):
        return
    generator.pages += _published(generator.draft_pages)
    generator.translations += _published(generator.draft_translations)
    generator.draft_pages[:], generator.draft_translations[:] = [], []


def _published(drafts):
    """Copies that render at their public address (Pelican's cache keeps the originals)."""
    now = datetime.now(timezone.utc)
    shown = []
    for draft in drafts:
        item = copy.copy(draft)
        embargoed = draft.date.astimezone(timezone.utc) > now if hasattr(draft, "date") else False
        item.preview_banner = (
            f"Embargoed: this goes live on {draft.locale_date}." if embargoed
            else "Draft: this is not on the public site."
        )
        item.status = "published"
        shown.append(item)
    return shown
