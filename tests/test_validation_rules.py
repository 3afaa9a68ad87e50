"""One broken fixture site per rule of the editor's contract: the build must fail with exit
code 1, print one line naming the file and field, write nothing, and show no traceback."""

import pytest

from conftest import PNG, Site, article, assert_fails_with


@pytest.mark.parametrize("field", ["Title", "Date", "Summary", "Tags"])
def test_missing_required_field(build_site, field):
    build = build_site({"updates/judge-rules.md": article(**{field: None})})
    assert_fails_with(build, rf"^content/updates/judge-rules\.md: {field}: missing; add")


@pytest.mark.parametrize("field", ["Title", "Summary"])
def test_empty_required_field(build_site, field):
    build = build_site({"updates/judge-rules.md": article(**{field: ""})})
    assert_fails_with(build, rf"^content/updates/judge-rules\.md:\d+: {field}: is empty")


def test_empty_tags_line(build_site):
    build = build_site({"updates/judge-rules.md": article(Tags=" , ")})
    assert_fails_with(
        build, r"^content/updates/judge-rules\.md:4: Tags: missing; add the topics, at least one, such as"
    )


def test_unknown_type_folder(build_site):
    build = build_site({"blog/judge-rules.md": article()})
    assert_fails_with(
        build,
        r"^content/blog/judge-rules\.md: Folder: the folder 'blog/' is not a type of content; "
        r"move the file into one of press-releases/, updates/, case-studies/",
    )


def test_bad_date(build_site):
    build = build_site({"updates/judge-rules.md": article(Date="2024-13-45")})
    assert_fails_with(
        build, r"^content/updates/judge-rules\.md:2: Date: '2024-13-45' is not a date; write it as YYYY-MM-DD"
    )


def test_bad_modified_date(build_site):
    build = build_site({"updates/judge-rules.md": article(Modified="last tuesday")})
    assert_fails_with(build, r"^content/updates/judge-rules\.md:\d+: Modified: 'last tuesday' is not a date")


def test_modified_before_date(build_site):
    build = build_site({"updates/judge-rules.md": article(Modified="2024-01-01")})
    assert_fails_with(build, r"Modified: 2024-01-01 is before the Date \(2024-03-15\)")


def test_bad_case_status(build_site):
    build = build_site(
        {
            "case-studies/sara.md": article(
                Person="Sara Beltran Hernandez", Countries="El Salvador", Case_status="freed"
            ),
        }
    )
    assert_fails_with(
        build,
        r"^content/case-studies/sara\.md:\d+: Case_status: 'freed' is not one this site knows; "
        r"write one of: detained, at-risk, released, resolved",
    )


def test_case_study_needs_person_status_and_country(build_site):
    build = build_site({"case-studies/sara.md": article()})
    assert_fails_with(build, r": Person: missing", r": Case_status: missing", r": Countries: missing")


def test_press_release_needs_location(build_site):
    build = build_site({"press-releases/judge-rules.md": article()})
    assert_fails_with(build, r"^content/press-releases/judge-rules\.md: Location: missing; add the dateline city")


def test_image_without_alt(build_site):
    build = build_site(
        {
            "updates/judge-rules.md": article(Image="images/court.png"),
            "images/court.png": PNG,
        }
    )
    assert_fails_with(build, r"^content/updates/judge-rules\.md: Image_alt: missing; describe the image")


def test_image_file_missing(build_site):
    build = build_site({"updates/judge-rules.md": article(Image="images/court.png", Image_alt="A courthouse")})
    assert_fails_with(
        build,
        r"^content/updates/judge-rules\.md:\d+: Image: images/court\.png is not a file in content/images/ "
        r"or content/downloads/; put the file in content/images/ or content/downloads/ and write its path",
    )


def test_duplicate_slug(build_site):
    build = build_site(
        {
            "updates/judge-rules.md": article(),
            "press-releases/judge-rules.md": article(Location="Washington"),
        }
    )
    assert_fails_with(
        build,
        # Both take the slug from their names: the first by path keeps it, whatever order Pelican read them in.
        r"^content/updates/judge-rules\.md: Slug: 'judge-rules' is already used by content/press-releases/judge-",
        r"^content/press-releases/judge-rules\.md: Slug: 'judge-rules' is also used by content/updates/judge-rules",
    )


def test_page_over_a_listing(build_site):
    build = build_site({"updates/judge-rules.md": article(), "pages/updates.md": "Title: Updates\n\nText.\n"})
    assert_fails_with(
        build,
        r"^content/pages/updates\.md: Slug: /updates/ would also be written by the Updates listing; rename the file",
    )


def test_tag_spelled_two_ways_is_one_topic_in_the_sites_spelling(build_site):
    """Capitals and spacing alone never stop the build: one topic, named as most files name it
    (`check` warns of the others: tests/test_editor_messages.py)."""
    build = build_site(
        {
            "updates/a.md": article(Tags="detention"),  # read first, and still not the page's name
            "updates/b.md": article(Tags="Detention, Asylum"),
            "updates/c.md": article(Tags=" DETENTION "),
            "updates/d.md": article(Tags="Detention"),
        }
    )
    assert build.returncode == 0, build.log
    site = Site(build.output)
    assert site.page("/topics/detention/").h1.get_text(" ", strip=True) == "Topic: Detention"
    assert len(site.page("/topics/detention/").select("article")) == 4
    for name in "abcd":
        topics = [a.get_text(strip=True) for a in site.page(f"/updates/{name}/").select('a[href="/topics/detention/"]')]
        assert topics and set(topics) == {"Detention"}, (name, topics)
    assert {p.name for p in (build.output / "topics").iterdir() if p.is_dir()} == {"asylum", "detention"}


def test_country_spelled_two_ways_is_one_country(build_site):
    build = build_site(
        {
            "updates/a.md": article(Countries="El Salvador"),
            "updates/b.md": article(Countries="El  salvador"),
            "updates/c.md": article(Countries="El Salvador, Mexico"),
        }
    )
    assert build.returncode == 0, build.log
    site = Site(build.output)
    assert site.page("/countries/el-salvador/").h1.get_text(" ", strip=True) == "Country: El Salvador"
    names = [a.get_text(strip=True) for a in site.page("/updates/b/").select('a[href="/countries/el-salvador/"]')]
    assert names and set(names) == {"El Salvador"}


def test_unknown_field_suggests_the_right_one(build_site):
    build = build_site({"updates/a.md": article(Summary=None, Summery="Typo.")})
    assert_fails_with(build, r"Summery: is not a field this site knows; did you mean 'Summary'\?", r"Summary: missing")


def test_category_line_is_refused(build_site):
    build = build_site({"updates/a.md": article(Category="News")})
    assert_fails_with(
        build, r"^content/updates/a\.md:\d+: Category: remove this line: the folder \(updates/\) decides the type"
    )


def test_all_problems_are_reported_together(build_site):
    build = build_site(
        {
            "updates/a.md": article(Date="someday"),
            "updates/b.md": article(Summary=None),
            "case-studies/c.md": article(Person="Ana", Countries="Honduras", Case_status="gone"),
            "pages/about.md": "Summary: no title\n\nText.\n",
        }
    )
    lines = assert_fails_with(
        build,
        r"content/updates/a\.md:2: Date:",
        r"content/updates/b\.md: Summary:",
        r"content/case-studies/c\.md:\d+: Case_status:",
        r"pages/about\.md: Title: missing",
    )
    assert len(lines) == 4
    assert "The site was not built: 4 problems in the content" in build.stderr


def test_a_valid_site_builds(build_site):
    """The fixtures above fail only for what each one breaks: unbroken, they build."""
    build = build_site(
        {
            "updates/a.md": article(Image="images/court.png", Image_alt="A courthouse", Countries="El Salvador"),
            "press-releases/b.md": article(Location="Washington"),
            "case-studies/c.md": article(Person="Ana", Countries="Honduras", Case_status="at-risk"),
            "pages/about.md": "Title: About\n\nText.\n",
            "images/court.png": PNG,
        }
    )
    assert build.returncode == 0, build.log
    assert (build.output / "updates/a/index.html").is_file()
    assert (build.output / "images/court.png").is_file()
