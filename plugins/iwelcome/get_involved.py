"""Wiring the calls to action into the build: read content/actions/, put the chosen actions
beside each article and into inline markers, and write /get-involved/ with a page per action
and actions.json. The choosing itself is in actions.py."""

import json
import logging
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from pelican.contents import Page
from pelican.generators import Generator

from .actions import MARKER, Chooser, feed_entries, hub_groups, parse_action
from .settings import setting

logger = logging.getLogger(__name__)


class ActionsGenerator(Generator):
    """Reads the action files (generate_context) and writes the Get Involved pages (generate_output)."""

    def generate_context(self):
        self.action_files = []  # (relative path, Pelican content) for each action file
        folder = setting(self.settings, "ACTIONS_PATH")
        for path in sorted(self.get_files([folder])):
            try:
                item = self.readers.read_file(base_path=self.path, path=path, content_class=Page, context=self.context)
            except Exception:
                logger.error("Could not process %s", path)
                continue
            self.action_files.append((path, item))

    def parse(self, file_exists):
        """([Action], [Problem]) for all action files."""
        actions, problems = [], []
        content_types = setting(self.settings, "CONTENT_TYPES")
        root = os.path.basename(self.settings["PATH"])
        for path, item in self.action_files:
            action, found = parse_action(
                item.slug, f"{root}/{path}", item.metadata, item.content, file_exists, content_types
            )
            problems += found
            if action:
                actions.append(action)
        return actions, problems

    def generate_output(self, writer):
        actions = self.context.get("actions", [])
        if not actions:
            return
        relative = self.settings["RELATIVE_URLS"]
        page_template = self.get_template("action")
        for action in actions:
            writer.write_file(
                setting(self.settings, "ACTION_SAVE_AS").format(slug=action.slug), page_template, self.context,
                relative_urls=relative, action=action, url=setting(self.settings, "ACTION_URL").format(slug=action.slug),
                template_name="action",
            )
        groups, past = hub_groups(actions)
        writer.write_file(
            setting(self.settings, "GET_INVOLVED_SAVE_AS"), self.get_template("get_involved"), self.context,
            relative_urls=relative, groups=groups, past_actions=past, url=setting(self.settings, "GET_INVOLVED_URL"),
            template_name="get_involved",
        )
        entries = feed_entries(actions, self.settings["SITEURL"], setting(self.settings, "ACTION_URL"))
        path = os.path.join(self.output_path, setting(self.settings, "ACTIONS_JSON_SAVE_AS"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"actions": entries}, f, ensure_ascii=False, indent=2, sort_keys=True)
            f.write("\n")


def place_actions(articles, actions, settings, render_inline):
    """Give each article its `get_involved` list and replace its inline markers."""
    maximum = setting(settings, "GET_INVOLVED_MAX")
    chooser = Chooser(actions)
    for article in articles:
        inline, _stray = inline_markers(article)
        article.get_involved = chooser.select(
            article.action_slugs, [t.name for t in getattr(article, "tags", [])],
            article.country_names, article.type, maximum, shown_inline=inline,
        )
        if inline:
            article._content = MARKER.sub(lambda m: render_inline(m.group(1), article), article._content)


def inline_markers(article):
    """(slugs of the article's inline markers, how many `[action:` are not proper markers)."""
    html = article._content or ""
    if "[action:" not in html:
        return [], 0
    slugs = MARKER.findall(html)
    return slugs, html.count("[action:") - len(slugs)


def today_in(settings):
    """The build's date where the campaign is: an action ending today is live all day."""
    return datetime.now(ZoneInfo(settings.get("TIMEZONE", "UTC"))).date()
