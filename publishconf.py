"""Production settings: everything in pelicanconf.py, plus absolute URLs, feeds, fingerprinted
theme files and what `invoke deploy` needs (README.md, "Deploy")."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403 - every setting of pelicanconf.py; production's changes follow

SITEURL = os.environ.get("SITEURL", "https://iwelcome.example")
RELATIVE_URLS = False

# Atom feeds: everything, each type, each topic, and each language's translations.
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/topics/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = "feeds/all-{lang}.atom.xml"

# Drafts and embargoed (future-dated) items, translations included, are never written, so never
# uploaded: an embargoed item appears in the first build after its Date (CI builds every hour).
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
DELETE_OUTPUT_DIRECTORY = True

# A pull request's preview (README.md, "Deploy" > "Previews") is this build with
# `-e PREVIEW=true NOINDEX=true`: drafts and embargoed items in place, each with its banner, and
# <meta name="robots" content="noindex"> on every page (theme/templates/base.html). deploy.py
# deploys such a build only under previews/, and a build without it never there.
NOINDEX = False

# The plugin: theme files renamed after their content (theme/css/site.<hash>.css), so that they
# can be cached for a year, and the build manifest without which `invoke deploy` refuses to run.
FINGERPRINT_ASSETS = True
BUILD_MANIFEST = True

# `invoke deploy` (deploy.py): the bucket and the CDN come from the environment (README.md,
# "Deploy"); how the upload behaves is set here.
immutable = "public, max-age=31536000, immutable"  # a name that changes whenever its content does
short = "public, max-age=300"  # 5 minutes in browsers; the CDN is invalidated on every change
DEPLOY_HEADERS = [
    # (pattern, headers): the first pattern that matches a file's path gives its headers.
    # `*` matches within a folder, `**` across folders. Allowed: Cache-Control, Content-Type,
    # Content-Disposition, Content-Language. Content-Type otherwise follows the file's suffix.
    ("theme/**", {"Cache-Control": immutable}),  # fingerprinted by the build
    ("pagefind/fragment/*", {"Cache-Control": immutable}),  # Pagefind names these after their content
    ("pagefind/index/*", {"Cache-Control": immutable}),
    ("pagefind/filter/*", {"Cache-Control": immutable}),
    ("pagefind/pagefind.*.pf_meta", {"Cache-Control": immutable}),
    ("images/**", {"Cache-Control": "public, max-age=86400"}),  # editors' files keep their names
    ("downloads/**", {"Cache-Control": "public, max-age=86400"}),
    ("**", {"Cache-Control": short}),  # pages, feeds, JSON, sitemap, Pagefind's scripts and entry file
]
DEPLOY_MAX_DELETES = 200  # refuse (unless --force) to delete more objects than this ...
DEPLOY_MAX_DELETE_SHARE = 0.25  # ... or more than this share of the site's objects in the bucket
DEPLOY_KEEP_SUPERSEDED = 86400  # seconds an old fingerprinted file stays after a deploy stops using it
DEPLOY_INVALIDATION_MAX = 100  # more changed paths than this: invalidate "/*" instead
