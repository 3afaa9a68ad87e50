"""Country pages: /countries/<country>/ for each country in articles' `Countries:`, and an index.

Pelican has tag pages but no pages for a custom field, so this adds a small generator that
writes them the way Pelican writes tag pages (same pagination, same template variables).
"""

from collections import defaultdict

from pelican.generators import Generator
from pelican.urlwrappers import URLWrapper

from .contents import generators_by_kind


class Country(URLWrapper):
    """A country, with its URL and file name from COUNTRY_URL and COUNTRY_SAVE_AS."""


def group_by_country(articles, settings):
    """[(Country, [articles, newest first])], countries in name order."""
    groups = defaultdict(list)
    for article in articles:
        for country in article.countries:
            groups[country].append(article)
    return sorted(groups.items(), key=lambda pair: pair[0].name.casefold())


def prepare(generators):
    """all_generators_finalized, after the articles' facts: the context's `countries`."""
    articles_gen = generators_by_kind(generators)[0]
    articles_gen.context["countries"] = group_by_country(articles_gen.articles, articles_gen.settings)


class CountriesGenerator(Generator):
    """Writes the country pages from `countries`, which the plugin puts in the context."""

    def generate_output(self, writer):
        countries = self.context.get("countries", [])
        relative = self.settings["RELATIVE_URLS"]
        template = self.get_template("country")
        for country, articles in countries:
            writer.write_file(
                country.save_as,
                template,
                self.context,
                relative_urls=relative,
                country=country,
                url=country.url,
                articles=articles,
                dates=articles,
                template_name="country",
                blog=True,
                page_name=country.page_name,
            )
        index = self.settings.get("COUNTRIES_SAVE_AS")
        if index:
            writer.write_file(
                index,
                self.get_template("countries"),
                self.context,
                relative_urls=relative,
                url=self.settings.get("COUNTRIES_URL", ""),
                template_name="countries",
                page_name=index.removesuffix("index.html").rstrip("/"),
            )
