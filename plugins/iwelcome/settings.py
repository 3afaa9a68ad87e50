"""The plugin's settings and their defaults, in one place.

Each can be overridden in pelicanconf.py; README.md ("Settings") says what each one does.
"""

DEFAULTS = {
    # Folder under content/ -> how that type of article is named and shown.
    "CONTENT_TYPES": {
        "press-releases": {"type": "press-release", "label": "Press release", "plural": "Press releases"},
        "updates": {"type": "update", "label": "Update", "plural": "Updates"},
        "case-studies": {"type": "case-study", "label": "Case study", "plural": "Case studies"},
    },
    # Case_status value -> the badge a reader sees.
    "CASE_STATUSES": {
        "detained": "Detained",
        "at-risk": "At risk",
        "released": "Released",
        "resolved": "Resolved",
    },
    # Shown on press releases that have no Contact line: "Name, email, phone".
    "MEDIA_CONTACT": "",
    # Preview builds (`invoke serve`) list drafts and embargoed items as if published, with a banner.
    "PREVIEW": False,
}


def setting(settings, name):
    """The value of one plugin setting: the site's own, else the default."""
    return settings.get(name, DEFAULTS[name])
