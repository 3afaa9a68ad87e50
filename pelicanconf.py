"""Settings for building the I WELCOME site (local builds, previews and tests).

`publishconf.py` imports these and changes what a production build needs. The plugin's own
settings are documented in README.md ("Settings"); their defaults live in
plugins/iwelcome/settings.py and are overridden here only where this site differs.
"""

SITENAME = "I WELCOME"
SITE_TAGLINE = "Refugees and people seeking asylum have the right to safety."
SITEURL = ""
RELATIVE_URLS = False
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
LANGUAGES = ["en", "es", "ar"]  # what `Lang:` may say (the plugin refuses any other)
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

PATH = "content"
THEME = "theme"
THEME_STATIC_DIR = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["iwelcome"]

# The folder decides the type: every folder under content/ that is not pages, images,
# downloads or actions holds articles, and the plugin rejects folders it does not know.
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["pages", "images", "downloads", "actions"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "downloads"]
IGNORE_FILES = [".*"]  # hidden files (.gitkeep, .DS_Store) are never read nor published
USE_FOLDER_AS_CATEGORY = True
SLUGIFY_SOURCE = "basename"  # the file name is the slug, so a new title never breaks a link


def newest_first(article):
    """Newest first, and items of the same moment by slug, then the original before its translations
    in the order of LANGUAGES (a feed of every language has them all): every build lists them in one
    order."""
    return (-article.date.timestamp(), article.slug, LANGUAGES.index(article.lang) if article.lang in LANGUAGES else 0)


ARTICLE_ORDER_BY = newest_first
WITH_FUTURE_DATES = False  # a future Date is an embargo: the item waits as a draft
# Keep what the readers made (Markdown turned into HTML) in cache/, so a rebuild reads only
# the files that changed. The "reader" layer, not "generator": embargoes must be re-checked.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
GZIP_CACHE = False  # a larger cache/, read and written faster
# Every value is escaped unless a template marks it safe: the HTML Pelican made from Markdown
# (content, summary) and titles, which the plugin's reader escapes before typogrify.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
# Typographic quotes, dashes and spacing, by typogrify's smartypants rather than Markdown's smarty
# (whose entities the HTML allowlist would turn into characters, which take twice the memory in
# Python's strings). The plugin's reader applies typogrify (with these TYPOGRIFY_* settings) so
# that the content cache keeps the result; Pelican's own TYPOGRIFY step, which would run again on
# every build, stays off.
TYPOGRIFY = False
TYPOGRIFY_IN_READER = True
TYPOGRIFY_IGNORE_TAGS = ["pre", "code", "kbd"]
# Every metadata field is text, never Markdown or HTML: the plugin's reader escapes it (a Summary
# holding <script> shows those characters) and typesets the summary for pages (typeset_summary).
FORMATTED_FIELDS = []
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"anchorlink": False, "permalink": False},
    },
    "output_format": "html5",
}

# URLs: every page is a folder with an index.html.
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
DRAFT_URL = "drafts/{category}/{slug}/"
DRAFT_SAVE_AS = "drafts/{category}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
CATEGORIES_SAVE_AS = ""
TAG_URL = "topics/{slug}/"
TAG_SAVE_AS = "topics/{slug}/index.html"
TAGS_URL = "topics/"
TAGS_SAVE_AS = "topics/index.html"
COUNTRY_URL = "countries/{slug}/"
COUNTRY_SAVE_AS = "countries/{slug}/index.html"
COUNTRIES_URL = "countries/"
COUNTRIES_SAVE_AS = "countries/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
# A page for each year, grouped by the plugin (Pelican's YEAR_ARCHIVE_SAVE_AS stays unset: its
# grouping takes time with the square of the site; plugins/iwelcome/archives.py).
PERIOD_ARCHIVES = {"year": {"url": "archives/{date:%Y}/", "save_as": "archives/{date:%Y}/index.html"}}
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
INDEX_SAVE_AS = ""  # the home page is content/pages/home.md
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
DIRECT_TEMPLATES = ["tags", "archives", "404", "search"]

# Translations: a file with `Lang: es` and the same Slug as the original is its translation.
ARTICLE_LANG_URL = "{lang}/{category}/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/{category}/{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
DRAFT_LANG_URL = "drafts/{lang}/{category}/{slug}/"
DRAFT_LANG_SAVE_AS = "drafts/{lang}/{category}/{slug}/index.html"
DRAFT_PAGE_LANG_URL = "drafts/{lang}/pages/{slug}/"
DRAFT_PAGE_LANG_SAVE_AS = "drafts/{lang}/pages/{slug}/index.html"

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"category": None, "tag": None, "country": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds are switched on for production in publishconf.py.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# The Content-Security-Policy of every page, in a <meta http-equiv> tag (base.html). Scripts and
# styles only from this site, never inline ('wasm-unsafe-eval' lets /search/ run Pagefind's
# WebAssembly); images from this site or data: URLs; nothing from any other host. The CDN sends the
# same policy as a header, plus what only a header can carry (README.md, "Content-Security-Policy").
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)

# The main navigation after a listing for each type of article (the plugin's CONTENT_TYPES).
MENUITEMS = (
    ("Get involved", "/get-involved/"),
    ("Activist toolkit", "/toolkit/"),
    ("About", "/about/"),
)
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False

# The plugin's settings (defaults in plugins/iwelcome/settings.py).
MEDIA_CONTACT = "I WELCOME media team, press@iwelcome.example, +1 212 555 0140"
