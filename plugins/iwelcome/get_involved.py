"""Wiring the calls to action into the build: read content/actions/, put the chosen actions
beside each article (the `[action: slug]` lines of the text are filled by the templates, see
markup.body_parts), and write /get-involved/ with a page per action and actions.json. The
choosing itself is in actions.py."""

import json
import logging
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from pelican.contents import Page
from pelican.generators import Generator

from .actions import Chooser, feed_entries, hub_groups, parse_action, parse_translation
from .validation import Problem
from .settings import setting

logger = logging.getLogger(__name__)


class ActionsGenerator(Generator):
    """Reads the action files (generate_context) and writes the Get Involved pages (generate_output)."""

    def generate_context(self):
        self.action_files = []  # (relative path, Pelican content) for each action file
        folder = setting(self.settings, "ACTIONS_PATH")
        # ARTICLE_EXCLUDES holds the linked folders the plugin found (confinement.py): never walked.
        for path in sorted(self.get_files([folder], exclude=self.settings["ARTICLE_EXCLUDES"])):
            try:
                item = self.readers.read_file(base_path=self.path, path=path, content_class=Page, context=self.context)
            except Exception:
                logger.error("Could not process %s", path)
                continue
            self.action_files.append((path, item))

    def parse(self, file_exists):
        """([Action], {lang: {slug: translated words}}, [Problem]) for all action files."""
        actions, translations, problems = [], {}, []
        content_types = setting(self.settings, "CONTENT_TYPES")
        root = os.path.basename(self.settings["PATH"])
        default_lang = self.settings["DEFAULT_LANG"]
        first_of = {}  # (lang, slug) -> the file that has it
        for path, item in self.action_files:
            shown_path = f"{root}/{path}"
            lang = item.metadata.get("lang", default_lang)
            if (lang, item.slug) in first_of:
                other = first_of[lang, item.slug]
                problems.append(Problem(shown_path, "Slug", f"'{item.slug}' is already the slug of {other}; two actions cannot "
                                        "share one: rename this file or change its 'Slug:' line"))
                problems.append(Problem(other, "Slug", f"'{item.slug}' is also the slug of {shown_path}; every action needs its own"))
                continue
            first_of[lang, item.slug] = shown_path
            if lang != default_lang:
                texts, found = parse_translation(item.slug, shown_path, item.metadata, item.content)
                if texts:
                    translations.setdefault(lang, {})[item.slug] = texts
            else:
                action, found = parse_action(item.slug, shown_path, item.metadata, item.content, file_exists, content_types,
                                             tuple(p.strip("/") for p in self.settings["STATIC_PATHS"]))
                if action:
                    actions.append(action)
            problems += found
        originals = {a.slug for a in actions} | {i.slug for _p, i in self.action_files if i.metadata.get("lang", default_lang) == default_lang}
        for path, item in self.action_files:
            if item.metadata.get("lang", default_lang) != default_lang and item.slug not in originals:
                problems.append(Problem(f"{root}/{path}", "Slug", f"'{item.slug}' is not an action to translate; write the original's file name (without .md)"))
        return actions, translations, problems

    def generate_output(self, writer):
        by_lang = self.context.get("ACTIONS_BY_LANG", {})
        default_lang = self.settings["DEFAULT_LANG"]
        actions = list(by_lang.get(default_lang, {}).values())
        if not actions:
            return
        relative = self.settings["RELATIVE_URLS"]
        page_template = self.get_template("action")
        for action in actions:  # scheduled ones are not there (as_of): they appear nowhere public
            writer.write_file(
                setting(self.settings, "ACTION_SAVE_AS").format(slug=action.slug), page_template, self.context,
                relative_urls=relative, action=action, url=setting(self.settings, "ACTION_URL").format(slug=action.slug),
                template_name="action",
            )
        for lang in self.context["GET_INVOLVED_URLS"]:  # the languages readers get
            groups, past = hub_groups(list(by_lang[lang].values()))
            save_as = setting(self.settings, "GET_INVOLVED_SAVE_AS" if lang == default_lang else "GET_INVOLVED_LANG_SAVE_AS")
            writer.write_file(
                save_as.format(lang=lang), self.get_template("get_involved"), self.context,
                relative_urls=relative, groups=groups, past_actions=past, lang=lang, template_name="get_involved",
                alternates=self.context["GET_INVOLVED_URLS"],
            )
        entries = feed_entries(actions, self.settings["SITEURL"], setting(self.settings, "ACTION_URL"))
        path = os.path.join(self.output_path, setting(self.settings, "ACTIONS_JSON_SAVE_AS"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"actions": entries}, f, ensure_ascii=False, indent=2, sort_keys=True)
            f.write("\n")


def place_actions(articles, actions_by_lang, settings):
    """Give each article its `get_involved` list, in its language: the actions its `[action: slug]`
    lines show are not repeated beside it."""
    maximum = setting(settings, "GET_INVOLVED_MAX")
    default_lang = settings["DEFAULT_LANG"]
    chooser = Chooser(list(actions_by_lang[default_lang].values()))
    for article in articles:
        in_lang = actions_by_lang.get(article.lang, actions_by_lang[default_lang])
        chosen = chooser.select(
            article.action_slugs, [t.name for t in getattr(article, "tags", [])],
            article.country_names, article.type, maximum, shown_inline=inline_markers(article.metadata)[0],
        )
        article.get_involved = [in_lang[a.slug] for a in chosen]


def inline_markers(metadata):
    """(slugs of an item's `[action: slug]` lines, how many `[action:` are not on a line of their own)."""
    return metadata.get("_action_slots", []), metadata.get("_stray_markers", 0)


def today_in(settings):
    """The build's date where the campaign is: an action ending today is live all day."""
    return datetime.now(ZoneInfo(settings.get("TIMEZONE", "UTC"))).date()
