"""The text of an article or page as readers get it, for the templates: `body_parts(item)`.

- A link to an item that is not published in this build (a draft, an embargoed item) is plain
  text until that item is published: nothing on the page says where it will be.
- A line `[action: slug]` (an `<action-slot>` element, see action_markers.py) becomes the
  action's box, in the page's language, when the action is worth showing; otherwise nothing.

The plugin puts what this needs into the template context when it prepares the build:
`HIDDEN_PATHS` (the addresses of items not published), `LINKS_HIDDEN` (the source paths of the
items that link to one) and `ACTIONS_BY_LANG`.
"""

from jinja2 import pass_context
from markupsafe import Markup

from .actions import worth_showing
from .i18n import language_of
from .markup import body_parts as split_at_actions
from .markup import site_path_of, unlink


def hider(site_url, hidden_paths):
    """is_hidden(href): whether a link goes to one of `hidden_paths` ('drafts/updates/x/')."""

    def is_hidden(href):
        path = site_path_of(href, site_url)
        return path is not None and (path in hidden_paths or path.removesuffix("index.html") in hidden_paths)

    return is_hidden


def published_html(html, source_path, context):
    """`html` with its links to unpublished items made plain text, if it has any."""
    if source_path not in context.get("LINKS_HIDDEN", ()):
        return html
    return unlink(html, hider(context.get("SITEURL", ""), context.get("HIDDEN_PATHS", frozenset())))


def add_template_globals(pelican):
    """initialized: `body_parts` for the templates."""
    pelican.settings["JINJA_GLOBALS"]["body_parts"] = body_parts


@pass_context
def body_parts(context, item):
    """[(html, action or None)]: the item's text, to be written out in order, each action's box
    after the html before it (templates/_body.html)."""
    html = published_html(item.content, item.relative_source_path, context)
    by_lang = context.get("ACTIONS_BY_LANG") or {}
    in_lang = by_lang.get(language_of(context, context.get("DEFAULT_LANG", "en")), {})
    parts = []
    for chunk, slug in split_at_actions(html):
        action = in_lang.get(slug) if slug else None
        parts.append((Markup(chunk), action if action is not None and worth_showing(action) else None))
    return parts
