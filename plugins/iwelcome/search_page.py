"""The search page in every language of the site.

Pelican writes its direct templates once, in the default language, so /search/ is English. A
reader of the Spanish pages who searches lands on /es/search/ instead: the same template, its
words in Spanish, and `<html lang="es">`, from which Pagefind UI takes its own Spanish words and
searches the Spanish index (search.py indexes each language apart).
"""

from pelican.generators import Generator


class SearchPagesGenerator(Generator):
    """Writes search.html for each language but the default (whose page Pelican writes)."""

    def generate_output(self, writer):
        default_lang = self.settings["DEFAULT_LANG"]
        for lang, url in sorted(self.context.get("SEARCH_URLS", {}).items()):
            if lang == default_lang:
                continue
            writer.write_file(
                url + "index.html",
                self.get_template("search"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                lang=lang,
                template_name="search",
            )
