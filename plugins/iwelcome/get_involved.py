"""The calls to action in the build. The ActionsGenerator reads and parses content/actions/
(generate_context: its problems go to the checks) and writes /get-involved/ in each language,
a page per action and actions.json (generate_output); `prepare`, once the content is checked,
decides each action's state as of the build, puts the chosen actions beside each article and
gives the templates what they show (the `[action: slug]` lines of the text are filled by the
templates, see body.py). The choosing itself is in actions.py, as plain functions.

Context keys: ACTIONS_BY_LANG, HOME_ACTIONS, ACTION_UTM, ACTION_URL, ACTION_KIND_LABELS,
ACTION_KIND_PLURALS, share_links."""

import json
import logging
import os
from dataclasses import replace

from pelican.contents import Page
from pelican.generators import Generator

from . import contract
from .actions import (
    Chooser,
    as_of,
    feed_entries,
    hub_groups,
    in_language,
    parse_action,
    parse_translation,
    share_links,
)
from .body import hider
from .confinement import static_file_check, static_files
from .contents import all_contents, generators_by_kind
from .dates import today_in
from .embargo import hidden_links
from .markup import unlink
from .settings import setting
from .topics import key_maker
from .validation import Problem

logger = logging.getLogger(__name__)


class ActionsGenerator(Generator):
    """Reads the action files (generate_context) and writes the Get Involved pages (generate_output)."""

    makes = "actions"  # how contents.generators_by_kind knows it

    def generate_context(self):
        self.kinds = contract.action_kinds(setting(self.settings, "ACTION_KINDS"))
        self.action_files = []  # (relative path, Pelican content) for each action file
        folder = setting(self.settings, "ACTIONS_PATH")
        # ARTICLE_EXCLUDES holds the linked folders the plugin found (confinement.py): never walked.
        for path in sorted(self.get_files([folder], exclude=self.settings["ARTICLE_EXCLUDES"])):
            try:
                item = self.readers.read_file(base_path=self.path, path=path, content_class=Page, context=self.context)
            except Exception:  # noqa: BLE001 - as Pelican's generators do: logged (an error check reports), skipped
                logger.error("Could not process %s", path)
                continue
            self.action_files.append((path, item))
        self.actions, self.translations, self.problems = self.parse(static_file_check(self.settings))

    def slugs(self):
        """The slugs of every action file read, translations included: what `[action: slug]` may name."""
        return {item.slug for _path, item in self.action_files}

    def parse(self, file_exists):
        """([Action], {lang: {slug: translated words}}, [Problem]) for all action files."""
        actions, translations, problems = [], {}, []
        content_types = contract.content_types(setting(self.settings, "CONTENT_TYPES"))
        root = os.path.basename(self.settings["PATH"])
        default_lang = self.settings["DEFAULT_LANG"]
        first_of = {}  # (lang, slug) -> the file that has it
        known_files = static_files(self.settings)
        for path, item in self.action_files:
            shown_path = f"{root}/{path}"
            lang = item.metadata.get("lang", default_lang)
            if (lang, item.slug) in first_of:
                other = first_of[lang, item.slug]
                problems.append(
                    Problem(
                        shown_path,
                        "Slug",
                        f"'{item.slug}' is already the slug of {other}; two actions cannot "
                        "share one: rename this file or change its 'Slug:' line",
                    )
                )
                problems.append(
                    Problem(
                        other, "Slug", f"'{item.slug}' is also the slug of {shown_path}; every action needs its own"
                    )
                )
                continue
            first_of[lang, item.slug] = shown_path
            if lang != default_lang:
                texts, found = parse_translation(item.slug, shown_path, item.metadata, item.content)
                if texts:
                    translations.setdefault(lang, {})[item.slug] = texts
            else:
                action, found = parse_action(
                    item.slug,
                    shown_path,
                    item.metadata,
                    item.content,
                    file_exists,
                    content_types,
                    tuple(p.strip("/") for p in self.settings["STATIC_PATHS"]),
                    self.kinds,
                    known_files,
                )
                if action:
                    actions.append(action)
            problems += found
        originals = {a.slug for a in actions} | {
            i.slug for _p, i in self.action_files if i.metadata.get("lang", default_lang) == default_lang
        }
        for path, item in self.action_files:
            if item.metadata.get("lang", default_lang) != default_lang and item.slug not in originals:
                problems.append(
                    Problem(
                        f"{root}/{path}",
                        "Slug",
                        f"'{item.slug}' is not an action to translate; write the original's file name (without .md)",
                    )
                )
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
                setting(self.settings, "ACTION_SAVE_AS").format(slug=action.slug),
                page_template,
                self.context,
                relative_urls=relative,
                action=action,
                url=setting(self.settings, "ACTION_URL").format(slug=action.slug),
                template_name="action",
            )
        for lang in self.context["GET_INVOLVED_URLS"]:  # the languages readers get
            groups, past = hub_groups(list(by_lang[lang].values()), self.kinds)
            save_as = setting(
                self.settings, "GET_INVOLVED_SAVE_AS" if lang == default_lang else "GET_INVOLVED_LANG_SAVE_AS"
            )
            writer.write_file(
                save_as.format(lang=lang),
                self.get_template("get_involved"),
                self.context,
                relative_urls=relative,
                groups=groups,
                past_actions=past,
                lang=lang,
                template_name="get_involved",
                alternates=self.context["GET_INVOLVED_URLS"],
            )
        entries = feed_entries(actions, self.settings["SITEURL"], setting(self.settings, "ACTION_URL"))
        path = os.path.join(self.output_path, setting(self.settings, "ACTIONS_JSON_SAVE_AS"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"actions": entries}, f, ensure_ascii=False, indent=2, sort_keys=True)
            f.write("\n")


def prepare(generators):
    """all_generators_finalized, after the checks, the articles' facts and the embargo: the
    actions as of today in each language (one not open yet appears nowhere public; a link in its
    pitch to an unpublished item is plain text), beside each article, and in the context."""
    articles_gen, pages_gen, actions_gen, _static_gen = generators_by_kind(generators)
    settings, context = articles_gen.settings, articles_gen.context
    default = settings["DEFAULT_LANG"]
    articles, pages = all_contents(articles_gen, pages_gen)
    hidden = context.get("HIDDEN_PATHS", frozenset())
    is_hidden = hider(settings["SITEURL"], hidden)
    actions = [
        replace(a, pitch=unlink(a.pitch, is_hidden))
        if hidden and hidden_links(a.pitch, settings["SITEURL"], hidden)
        else a
        for a in as_of(actions_gen.actions, today_in(settings), preview=setting(settings, "PREVIEW"))
        if a.state != "scheduled"
    ]
    languages = sorted({default, *actions_gen.translations, *(c.lang for c in articles + pages)})
    by_lang = {
        lang: {a.slug: a for a in in_language(actions, actions_gen.translations.get(lang, {}))} for lang in languages
    }
    context.update(
        {
            "ACTIONS_BY_LANG": by_lang,
            "HOME_ACTIONS": {
                lang: [a for a in sorted(in_lang.values(), key=lambda a: (-a.priority, a.slug)) if a.is_live]
                for lang, in_lang in by_lang.items()
            },
            "ACTION_UTM": setting(settings, "ACTION_UTM"),
            "ACTION_URL": setting(settings, "ACTION_URL"),
            "ACTION_KIND_LABELS": {name: kind.label for name, kind in actions_gen.kinds.items()},
            "ACTION_KIND_PLURALS": {name: kind.plural for name, kind in actions_gen.kinds.items()},
            "share_links": share_links,
        }
    )
    place_actions(articles, by_lang, settings)


def place_actions(articles, actions_by_lang, settings):
    """Give each article its `get_involved` list, in its language: the actions its `[action: slug]`
    lines show are not repeated beside it."""
    maximum = setting(settings, "GET_INVOLVED_MAX")
    default_lang = settings["DEFAULT_LANG"]
    chooser = Chooser(list(actions_by_lang[default_lang].values()), key_maker(settings))
    for article in articles:
        in_lang = actions_by_lang.get(article.lang, actions_by_lang[default_lang])
        chosen = chooser.select(
            article.action_slugs,
            [t.name for t in getattr(article, "tags", [])],
            article.country_names,
            article.type,
            maximum,
            shown_inline=inline_markers(article.metadata)[0],
        )
        article.get_involved = [in_lang[a.slug] for a in chosen]


def inline_markers(metadata):
    """(slugs of an item's `[action: slug]` lines, how many `[action:` are not on a line of their own)."""
    return metadata.get("_action_slots", []), metadata.get("_stray_markers", 0)
