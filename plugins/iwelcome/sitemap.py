"""sitemap.xml and robots.txt: every public page of the build, with its last-modified date.

Pages are collected as Pelican writes them (content_written); the files are written at the end
of the build (finalized). Dates come from the content, never from the clock, so the same
content gives the same bytes.
"""

import os
from xml.sax.saxutils import escape


def last_modified(context):
    """The date a written page last changed: its item's, or the newest item it lists, or None."""
    item = context.get("article") or context.get("page")
    if item is not None and hasattr(item, "date"):
        return getattr(item, "modified", None) or item.date
    page = context.get("articles_page")
    listed = page.object_list if page is not None else context.get("dates") or []
    dates = [getattr(a, "modified", None) or a.date for a in listed if hasattr(a, "date")]
    return max(dates) if dates else None


def is_public(relative_path):
    return relative_path.endswith(".html") and relative_path != "404.html" and not relative_path.startswith("drafts/")


def sitemap_xml(entries, site_url):
    """entries: {relative path of an .html file: date or None}; `newest` stands in for None."""
    known = [d for d in entries.values() if d is not None]
    newest = max(known) if known else None
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(entries):
        url = f"{site_url}/{path.removesuffix('index.html')}"
        modified = entries[path] or newest
        lastmod = f"<lastmod>{modified:%Y-%m-%d}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(site_url):
    return f"User-agent: *\nAllow: /\nSitemap: {site_url}/sitemap.xml\n"


class Sitemap:
    """Collects the pages one build writes, then writes sitemap.xml and robots.txt."""

    def __init__(self):
        self.entries = {}

    def start(self, generators):
        self.entries = {}

    def written(self, path, context):
        relative = os.path.relpath(path, context["OUTPUT_PATH"]).replace(os.sep, "/")
        if is_public(relative):
            self.entries[relative] = last_modified(context)

    def finish(self, pelican):
        site_url = pelican.settings["SITEURL"]
        for name, text in (("sitemap.xml", sitemap_xml(self.entries, site_url)), ("robots.txt", robots_txt(site_url))):
            with open(os.path.join(pelican.output_path, name), "w", encoding="utf-8") as f:
                f.write(text)


_sitemap = Sitemap()  # the build's pages, from all_generators_finalized to finalized


def start(generators):
    _sitemap.start(generators)


def written(path, context):
    _sitemap.written(path, context)


def finish(pelican):
    _sitemap.finish(pelican)
