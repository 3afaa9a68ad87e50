"""The plugin's settings and their defaults, in one place.

Each can be overridden in pelicanconf.py; README.md ("Settings") says what each one does.
"""


def N_(message):  # noqa: N802 - gettext's name for a marker, which pybabel extracts (babel.cfg)
    """Marks a word readers see for the translators' catalogue, where it is declared; templates
    translate it when they show it (i18n.py). Here, so that the table below imports nothing."""
    return message


DEFAULTS = {
    # The editor's contract (contract.py reads it; EDITING.md's field tables are made from it):
    # folder under content/ -> the type of article it holds: its names, its schema.org type, its
    # layout (`template`, in theme/templates/; article.html when it has none of its own), the
    # fields it has beyond every article's (contract.ARTICLE_FIELDS; a field named here again
    # changes it for this type), and the hint `new` writes for its text. A field: `check` (text,
    # date, topics, countries, file, integer, one-of, contact, ...), `required`, `about` (what to
    # write), `example`, `note` (more for EDITING.md), `label` (shown to readers in the facts
    # block), `translated` (a translation writes it in its own language; `new translation` leaves
    # a hint there), and for some checks
    # `minimum`, `choices` (a setting's name) or `default` (a setting used when the field is absent).
    "CONTENT_TYPES": {
        "press-releases": {
            "type": "press-release",
            "label": N_("Press release"),
            "plural": N_("Press releases"),
            "all": N_("All press releases"),
            "schema": "NewsArticle",
            "template": "press-release",
            "fields": {
                "summary": {"about": "one or two sentences that say what happened (shown in listings and share cards)"},
                "location": {
                    "required": True,
                    "translated": True,
                    "about": "the dateline city",
                    "example": "Washington",
                    "note": 'shown as "WASHINGTON, January 21, 2016 —"',
                },
                "contact": {
                    "check": "contact",
                    "about": "the media contact for this release: Name, email, phone",
                    "example": "Ana Ruiz, press@iwelcome.example, +1 212 555 0199",
                    "note": "without it, the site's media contact is shown",
                    "default": "MEDIA_CONTACT",
                },
            },
            "text": "the release. Start with the news; the dateline and the media contact are added for you.",
        },
        "updates": {
            "type": "update",
            "label": N_("Update"),
            "plural": N_("Updates"),
            "all": N_("All updates"),
            "schema": "NewsArticle",
            "template": "update",
            "fields": {
                "summary": {"about": "one or two sentences that say what this update is about"},
                "tags": {"example": "Resettlement, Funding"},
            },
            "text": "the update. Use ## for subheadings.",
        },
        "case-studies": {
            "type": "case-study",
            "label": N_("Case study"),
            "plural": N_("Case studies"),
            "all": N_("All case studies"),
            "schema": "Article",
            "template": "case-study",
            "fields": {
                "summary": {"about": "one or two sentences about the person and the case"},
                "tags": {"example": "Detention, Health care"},
                "countries": {
                    "required": True,
                    "about": "the person's own country first",
                    "example": "El Salvador, United States",
                },
                "person": {
                    "required": True,
                    "about": "the person's name",
                    "example": "Sara Beltran Hernandez",
                    "label": N_("Person"),
                },
                "case_status": {
                    "check": "one-of",
                    "choices": "CASE_STATUSES",
                    "required": True,
                    "about": "the state of the case",
                    "example": "detained",
                    "note": "shown as a badge",
                    "label": N_("Status"),
                },
            },
            "text": "the person's story. Use ## for subheadings.",
        },
    },
    # Kind of call to action -> its names (on an action, and as the heading of its group on the
    # Get Involved page, in this order) and the fields it has beyond every action's
    # (contract.ACTION_FIELDS); `hint`: what `new` suggests for its Url.
    "ACTION_KINDS": {
        "petition": {
            "label": N_("Petition"),
            "plural": N_("Petitions"),
            "fields": {
                "url": {"required": True},
                "goal": {
                    "check": "integer",
                    "minimum": 1,
                    "about": "the number of signatures to reach",
                    "example": "25000",
                },
                "signatures": {"check": "integer", "minimum": 0, "about": "the signatures so far", "example": "18342"},
            },
        },
        "letter": {"label": N_("Write a letter"), "plural": N_("Letters"), "fields": {"url": {"required": True}}},
        "call": {"label": N_("Make a call"), "plural": N_("Calls"), "fields": {"url": {"required": True}}},
        "donate": {"label": N_("Donate"), "plural": N_("Donations"), "fields": {"url": {"required": True}}},
        "download": {"label": N_("Download"), "plural": N_("Downloads"), "fields": {"file": {"required": True}}},
        "share": {"label": N_("Spread the word"), "plural": N_("Spread the word"), "fields": {}},
        "event": {"label": N_("Event"), "plural": N_("Events"), "fields": {"url": {"required": True}}},
        "signup": {"label": N_("Sign up"), "plural": N_("Sign up"), "fields": {"url": {"required": True}}},
    },
    # Case_status value -> the badge a reader sees.
    "CASE_STATUSES": {
        "detained": N_("Detained"),
        "at-risk": N_("At risk"),
        "released": N_("Released"),
        "resolved": N_("Resolved"),
    },
    # The languages content may be written in (`Lang:`), the site's DEFAULT_LANG first.
    "LANGUAGES": ["en"],
    # The layouts a page may ask for with `Template:` (an article's is its type's).
    "PAGE_TEMPLATES": ["page", "home"],
    # The kinds of file published from the folders copied as they are (STATIC_PATHS): nothing a
    # browser would run as a page (.html, .svg, .js). Images and PDFs must be what they say.
    "STATIC_EXTENSIONS": [
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".avif",
        ".pdf",
        ".txt",
        ".csv",
        ".docx",
        ".xlsx",
        ".pptx",
        ".odt",
        ".ods",
        ".odp",
        ".epub",
        ".zip",
        ".mp3",
        ".m4a",
        ".ogg",
        ".mp4",
        ".webm",
    ],
    # Country pages, the way Pelican writes topic pages.
    "COUNTRY_URL": "countries/{slug}/",
    "COUNTRY_SAVE_AS": "countries/{slug}/index.html",
    "COUNTRIES_URL": "countries/",
    "COUNTRIES_SAVE_AS": "countries/index.html",
    # Period archives, grouped by the plugin in one pass (archives.py): {"year": {"url": ...,
    # "save_as": ...}}, "month" and "day" alike; none by default, as Pelican's.
    "PERIOD_ARCHIVES": {},
    # Shown on press releases that have no Contact line: "Name, email, phone".
    "MEDIA_CONTACT": "",
    # Calls to action: the folder of action files under content/, and how many show beside an article.
    "ACTIONS_PATH": "actions",
    "GET_INVOLVED_URL": "get-involved/",
    "GET_INVOLVED_SAVE_AS": "get-involved/index.html",
    "GET_INVOLVED_LANG_URL": "{lang}/get-involved/",  # the hub in each language of the site
    "GET_INVOLVED_LANG_SAVE_AS": "{lang}/get-involved/index.html",
    "ACTION_URL": "get-involved/{slug}/",
    "ACTION_SAVE_AS": "get-involved/{slug}/index.html",
    "ACTIONS_JSON_SAVE_AS": "get-involved/actions.json",
    "GET_INVOLVED_MAX": 2,
    # The search page in each other language of the site, a folder (its page is index.html there);
    # Pelican's SEARCH_URL is the default language's.
    "SEARCH_LANG_URL": "{lang}/search/",
    # Add utm_source/utm_medium/utm_campaign to outbound action links (False turns it off).
    "ACTION_UTM": True,
    # Related updates beside each article (see plugins/iwelcome/related.py for how they are chosen).
    "RELATED_UPDATES_MAX": 4,
    "RELATED_WEIGHTS": {"tags": 1.0, "countries": 1.0},  # how much a shared topic / country counts
    "RELATED_HALF_LIFE_DAYS": 730,  # recency: an item this much older than the newest counts 3/4
    "RELATED_OLDEST_FACTOR": 0.5,  # ... and a very old one half as much as the newest
    "RELATED_MAX_SHARE": 0.2,  # a keyword on more than this share of the articles is dropped ...
    "RELATED_MIN_DROPPED": 50,  # ... once it is on at least this many articles
    "RELATED_MAX_SAME_TYPE": 3,  # at most this many of one type, when other types are related too
    # Typogrify in the reader, so that Pelican's content cache keeps the result.
    "TYPOGRIFY_IN_READER": False,
    # `invoke check`: validate and lint, print errors and warnings, write nothing.
    "CHECK_ONLY": False,
    "IMAGE_MAX_KB": 300,  # warn about larger images
    "SUMMARY_MAX_CHARS": 200,  # warn about longer summaries (share cards cut them)
    # Where to write the time each part of the plugin took, as JSON (benchmarks set it).
    "PLUGIN_TIMINGS_FILE": None,
    # Production builds (publishconf.py): theme files renamed after their content, so that they can be
    # cached for a year (fingerprint.py), and the build manifest that `invoke deploy` requires.
    "FINGERPRINT_ASSETS": False,
    # The search index (Pagefind) of every build, made at its end (search.py); off for a quicker preview.
    "SEARCH_INDEX": True,
    "BUILD_MANIFEST": False,
    # Many files to read: helper processes read some, one per further core, each with at least this
    # many files (parallel_reading.py); 0 reads every file in Pelican's process.
    "PARALLEL_READING": 100,
    # Many articles and pages: helper processes render some of the pages, one per further core, with
    # at least this many articles and pages a process (parallel_rendering.py); 0 renders in Pelican's.
    "PARALLEL_RENDERING": 100,
    # Many articles and pages: the checks run in a helper process while Pelican's prepares what pages
    # show, if there is a further core and at least this many (parallel_checks.py); 0: in Pelican's.
    "PARALLEL_CHECKS": 300,
    # Pages rendered again only when what they show changed; False renders every page (render_cache.py).
    "RENDER_CACHE": True,
    # Preview builds (`invoke serve`) list drafts and embargoed items as if published, with a banner.
    "PREVIEW": False,
}


def setting(settings, name):
    """The value of one plugin setting: the site's own, else the default."""
    return settings.get(name, DEFAULTS[name])


def apply_defaults(pelican):
    """initialized: every plugin setting the site does not set takes its default, so that
    Pelican's own classes (a Country's URL) find them too."""
    for name, value in DEFAULTS.items():
        pelican.settings.setdefault(name, value)
