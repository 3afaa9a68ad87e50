"""Production settings: everything in pelicanconf.py, plus absolute URLs and feeds."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402, F403

SITEURL = os.environ.get("SITEURL", "https://iwelcome.example")
RELATIVE_URLS = False

# Atom feeds: everything, each type, each topic, and each language's translations.
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/topics/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"

DRAFT_SAVE_AS = ""  # drafts and embargoed items are never uploaded
DRAFT_PAGE_SAVE_AS = ""
DELETE_OUTPUT_DIRECTORY = True
