"""What HTML may reach a reader: one allowlist for the text of articles, pages and action pitches.

Markdown lets an editor write raw HTML, and editors paste from anywhere. The text is cleaned with
nh3 (a maintained sanitizer) against the allowlist below: ordinary formatting stays; scripts,
styles, frames, embedded objects, forms, `meta`/`link`/`base`, every `on*` attribute and every URL
scheme but https, http, mailto and tel never reach a page. So that an editor learns what was
dropped and why, `findings()` reads the same HTML first and names each forbidden thing with what
to write instead; the build reports them as errors.

Metadata fields are text, never HTML: the reader escapes them (reading.py), and the templates
escape every value they did not get from here.

Pure functions: tested without a build.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

# The element that stands for a line `[action: slug]` in the text (action_markers.py); the
# templates put the action's box there (body_parts).
ACTION_SLOT = "action-slot"

TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
        "wbr",
        ACTION_SLOT,
    }
)
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    ACTION_SLOT: {"slug"},
}
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "cite",
        "action",
        "formaction",
        "poster",
        "srcset",
        "data",
        "background",
        "longdesc",
        "xlink:href",
        "ping",
        "manifest",
        "codebase",
    }
)

# Forbidden elements, and what to write instead. Any other element outside TAGS is refused too.
INSTEAD = {
    "script": "scripts never run on this site; remove it",
    "noscript": "scripts never run on this site; remove it",
    "template": "remove it; write the text in Markdown",
    "style": "the site's stylesheet decides how pages look; remove it",
    "link": "the site's stylesheet decides how pages look; remove it",
    "iframe": "embeds load another site into the page; link to it instead, such as [Watch the video](https://...)",
    "frame": "embeds load another site into the page; link to it instead",
    "frameset": "embeds load another site into the page; link to it instead",
    "object": "embeds load another site into the page; link to it instead, such as [Watch the video](https://...)",
    "embed": "embeds load another site into the page; link to it instead, such as [Watch the video](https://...)",
    "video": "link to the video instead, such as [Watch the video](https://...)",
    "audio": "link to the recording instead, such as [Listen](https://...)",
    "form": "forms send readers' data elsewhere; link to the form's own page, or make it a call to action",
    "input": "forms send readers' data elsewhere; link to the form's own page, or make it a call to action",
    "button": "link to the page instead; a call to action gets a button of its own",
    "select": "forms send readers' data elsewhere; link to the form's own page instead",
    "textarea": "forms send readers' data elsewhere; link to the form's own page instead",
    "meta": "a page's settings come from the site; remove it",
    "base": "a page's settings come from the site; remove it",
    "svg": "put the picture in content/images/ as a PNG or JPEG and show it with ![description](...)",
    "math": "write the formula as text",
}

_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    attributes={k: set(v) for k, v in ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=None,
    strip_comments=True,
)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")


def sanitize(html):
    """The HTML with everything outside the allowlist removed (the text of dropped tags kept,
    scripts' and styles' contents dropped)."""
    return _CLEANER.clean(html) if html else html


def url_scheme(value):
    """The scheme a browser would see in `value` ('javascript' for ' java\\tscript:...'), or ''."""
    url = _TAB_NEWLINE.sub("", value).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def is_other_host(value):
    """An address on another site (https://..., //...)."""
    url = _TAB_NEWLINE.sub("", value).strip()
    return url.startswith("//") or url_scheme(url) in ("http", "https")


@dataclass(frozen=True)
class Finding:
    """Something in an item's HTML that the allowlist drops: what, why and what instead.

    `locate` is text to look for in the source file, to give the problem its line."""

    message: str
    locate: str


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings, self.slots = [], []

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def _element(self, tag, attrs):
        if tag == ACTION_SLOT:
            self.slots.append(dict(attrs).get("slug") or "")
            return
        if tag not in TAGS:
            why = INSTEAD.get(tag, "this site does not publish it; write the text in Markdown")
            self.findings.append(Finding(f"<{tag}> is not allowed in the text: {why}", f"<{tag}"))
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.findings.append(
                    Finding(f"the {name} attribute on <{tag}> would run a script in readers' browsers; remove it", name)
                )
            elif name in URL_ATTRIBUTES:
                self._url(tag, name, value)

    def _as_written(self, name, value):
        """The attribute's value as the source has it (entities and all), to find its line."""
        raw = self.get_starttag_text() or ""
        match = re.search(rf"""\b{re.escape(name)}\s*=\s*(["']?)(.*?)\1(?:\s|/?>)""", raw, re.IGNORECASE | re.DOTALL)
        return (match.group(2) if match else value).strip()

    def _url(self, tag, name, value):
        scheme = url_scheme(value)
        shown = value.strip()[:60]
        if scheme and scheme not in URL_SCHEMES:
            instead = (
                "put the image in content/images/ and show it with ![description]({static}/images/...)"
                if tag == "img"
                else "link to an https:// address or to a page of this site"
            )
            self.findings.append(
                Finding(
                    f"the address '{shown}' uses '{scheme}:', which this site never publishes; {instead}",
                    self._as_written(name, value)[:40],
                )
            )
        elif tag == "img" and name == "src" and is_other_host(value):
            self.findings.append(
                Finding(
                    f"the image {shown} is on another site, which would learn who reads this page; "
                    "put it in content/images/ and show it with ![description]({static}/images/...)",
                    value.strip(),
                )
            )


def findings(html):
    """([Finding], [action slot slugs]) of an item's HTML, before it is sanitized."""
    scanner = _Scanner()
    scanner.feed(html or "")
    scanner.close()
    return scanner.findings, scanner.slots


def text_of(html):
    """The text some HTML shows: tags removed, entities read, spaces collapsed (for counting words,
    measuring a summary, deciding whether a field is empty). One way for the whole plugin."""
    return Markup(html or "").striptags()


def unlink(html, is_hidden):
    """`html` with the links whose address `is_hidden(href)` says is not public made plain text
    (an <a> without href): a link to an embargoed item says nothing of where it will be."""
    if not html:
        return html

    def keep(tag, attribute, value):
        if tag == "a" and attribute == "href" and is_hidden(value):
            return None
        return value

    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        attribute_filter=keep,
    )


def body_parts(html):
    """[(html, slug or None)]: the text split where a `[action: slug]` line stood, in order."""
    parts, rest = [], html or ""
    opening = f'<{ACTION_SLOT} slug="'
    closing = f'"></{ACTION_SLOT}>'
    while opening in rest:
        before, _, after = rest.partition(opening)
        slug, found, rest = after.partition(closing)
        if not found:  # not one of ours after all: keep it as text
            parts.append((before + opening + slug, None))
            break
        parts.append((before, slug))
    parts.append((rest, None))
    return [(chunk, slug) for chunk, slug in parts if chunk.strip() or slug]


def site_path_of(href, site_url):
    """'https://site/updates/x/?a#b' or '/updates/x/' -> 'updates/x/'; None for other sites."""
    if site_url and href.startswith(site_url.rstrip("/") + "/"):
        href = href[len(site_url.rstrip("/")) :]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path.lstrip("/")
