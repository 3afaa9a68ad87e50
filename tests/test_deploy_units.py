"""Unit tests of deploy.py's planning: plain functions over plain data, no bucket."""

import json
import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))
import deploy  # noqa: E402
from deploy import LocalFile, RemoteObject, make_plan  # noqa: E402
from iwelcome import build_manifest  # noqa: E402

RULES = deploy.load_settings(ROOT / "publishconf.py")["DEPLOY_HEADERS"]
CSS = "theme/css/site.0123456789.css"
DAY = 86400


def local(path, md5="a" * 32, size=10):
    return LocalFile(path, Path("/nowhere") / path, size, md5, deploy.headers_for(path, RULES))


def plan_for(files, remote, now=1_000_000, keep=DAY, site=""):
    return make_plan({f.path: f for f in files}, remote, RULES, site, now, keep)


def test_the_manifest_name_is_the_one_the_plugin_writes():
    assert deploy.MANIFEST == build_manifest.NAME


def test_patterns_match_within_or_across_folders():
    assert deploy.glob_regex("theme/**").match("theme/css/site.css")
    assert deploy.glob_regex("pagefind/fragment/*").match("pagefind/fragment/en_1.pf_fragment")
    assert not deploy.glob_regex("pagefind/fragment/*").match("pagefind/fragment/x/y")
    assert not deploy.glob_regex("pagefind/*.pf_meta").match("pagefind/x.pf_meta.bak")
    assert deploy.glob_regex("**").match("index.html")


@pytest.mark.parametrize("path, content_type", [
    ("index.html", "text/html; charset=utf-8"),
    ("theme/css/site.0123456789.css", "text/css; charset=utf-8"),
    ("theme/js/search.0123456789.js", "text/javascript; charset=utf-8"),
    ("feeds/all.atom.xml", "application/atom+xml; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("get-involved/actions.json", "application/json; charset=utf-8"),
    ("theme/img/logo.0123456789.png", "image/png"),
    ("downloads/toolkit.pdf", "application/pdf"),
    ("pagefind/fragment/en_0774744.pf_fragment", "application/octet-stream"),
    ("pagefind/wasm.en.pagefind", "application/octet-stream"),
    ("data.csv", "text/csv; charset=utf-8"),
    ("file.unknown-suffix", "application/octet-stream"),
])
def test_content_types_follow_the_suffix_with_utf_8_for_text(path, content_type):
    assert deploy.content_type(path) == content_type


def test_cache_control_comes_from_the_first_matching_rule():
    assert deploy.headers_for(CSS, RULES)["CacheControl"] == "public, max-age=31536000, immutable"
    assert deploy.headers_for("pagefind/pagefind.en_0123456789.pf_meta", RULES)["CacheControl"].endswith("immutable")
    assert deploy.headers_for("pagefind/pagefind.js", RULES)["CacheControl"] == "public, max-age=300"
    assert deploy.headers_for("updates/x/index.html", RULES)["CacheControl"] == "public, max-age=300"
    assert deploy.headers_for("images/photo.jpg", RULES)["CacheControl"] == "public, max-age=86400"
    custom = [("downloads/*.pdf", {"Content-Disposition": "attachment", "Cache-Control": "no-cache"})]
    assert deploy.headers_for("downloads/a.pdf", custom) == {
        "ContentType": "application/pdf", "ContentDisposition": "attachment", "CacheControl": "no-cache"}


def test_viewer_paths_and_the_invalidation_limit():
    assert deploy.viewer_path("index.html") == "/"
    assert deploy.viewer_path("updates/x/index.html") == "/updates/x/"
    assert deploy.viewer_path("feeds/all.atom.xml") == "/feeds/all.atom.xml"
    assert deploy.viewer_path("updates/x/index.html", "/campaign") == "/campaign/updates/x/"
    assert deploy.viewer_path("topics/año/index.html") == "/topics/a%C3%B1o/"
    assert deploy.invalidation_batch(["/a/", "/b/"], 2) == ["/a/", "/b/"]
    assert deploy.invalidation_batch(["/a/", "/b/", "/c/"], 2) == ["/*"]
    assert deploy.invalidation_batch(["/x/a/", "/x/b/", "/x/c/"], 2, "/x") == ["/x/*"]


def test_unchanged_files_are_found_by_etag_or_by_the_stored_md5():
    files = [local("index.html", "1" * 32), local("about/index.html", "2" * 32), local("a.txt", "3" * 32)]
    remote = {
        "index.html": RemoteObject(etag="1" * 32, size=10),
        "about/index.html": RemoteObject(etag="not-an-md5-1", size=10, md5="2" * 32),  # e.g. SSE-KMS
        "a.txt": RemoteObject(etag="9" * 32, size=10),
    }
    plan = plan_for(files, remote)
    assert plan.unchanged == 2
    assert [f.path for group in plan.uploads for f in group] == ["a.txt"]
    assert plan.invalidations == ["/a.txt"]


def test_uploads_come_in_groups_files_then_stylesheets_and_scripts_then_pages():
    files = [local("updates/x/index.html"), local(CSS), local("theme/img/a.0123456789.png"),
             local("pagefind/pagefind-entry.json"), local("pagefind/fragment/en_0123456.pf_fragment"),
             local("pagefind/pagefind.js"), local("feeds/all.atom.xml")]
    plan = plan_for(files, {})
    assert [[f.path for f in group] for group in plan.uploads] == [
        ["pagefind/fragment/en_0123456.pf_fragment", "theme/img/a.0123456789.png"],
        ["pagefind/pagefind.js", CSS],
        ["feeds/all.atom.xml", "pagefind/pagefind-entry.json", "updates/x/index.html"],
    ]
    assert plan.invalidations == ["/feeds/all.atom.xml", "/pagefind/pagefind-entry.json",
                                  "/pagefind/pagefind.js", "/updates/x/"], "fingerprinted files are never invalidated"


def test_a_superseded_fingerprinted_file_is_marked_then_kept_then_deleted():
    now = 1_000_000
    old_css = "theme/css/site.9999999999.css"
    files = [local(CSS)]
    assert plan_for(files, {old_css: RemoteObject("e", 1)}, now).supersede == [old_css]
    marked_an_hour_ago = {old_css: RemoteObject("e", 1, superseded=now - 3600)}
    assert plan_for(files, marked_an_hour_ago, now).kept == [old_css]
    marked_a_day_ago = {old_css: RemoteObject("e", 1, superseded=now - DAY)}
    plan = plan_for(files, marked_a_day_ago, now)
    assert plan.deletions == [old_css] and plan.invalidations == [], "new names need no invalidation"
    assert plan_for(files, {old_css: RemoteObject("e", 1)}, now, keep=0).deletions == [old_css]


def test_a_page_the_build_no_longer_has_is_deleted_and_invalidated():
    remote = {"index.html": RemoteObject("1" * 32, 1), "old/index.html": RemoteObject("e", 1)}
    plan = plan_for([local("index.html", "1" * 32)], remote)
    assert plan.deletions == ["old/index.html"] and plan.supersede == []
    assert plan.invalidations == ["/old/"]


def test_the_deletion_guard_counts_pages_not_superseded_files():
    remote = {f"p{n}/index.html": RemoteObject("e", 1) for n in range(10)}
    remote |= {f"theme/img/i.{n:010d}.png": RemoteObject("e", 1) for n in range(30)}
    keep_three = [local(f"p{n}/index.html") for n in range(3)]
    plan = plan_for(keep_three, remote, keep=0)
    assert len(plan.deletions) == 37
    problem = deploy.deletion_problem(plan, remote, RULES, max_deletes=10, max_share=0.2)
    assert problem is None, "7 pages of 40 objects is under 20 %"
    problem = deploy.deletion_problem(plan, remote, RULES, max_deletes=5, max_share=0.9)
    assert "would delete 7 of the 40 objects" in problem and "--force" in problem
    pages = {path: obj for path, obj in remote.items() if path.endswith(".html")}
    assert deploy.deletion_problem(plan_for([], pages), pages, RULES, 200, 0.25), "an empty build"


def finished_build(tmp_path, manifest):
    (tmp_path / "index.html").write_text("<!doctype html>")
    if manifest is not None:
        (tmp_path / build_manifest.NAME).write_text(json.dumps(manifest))
    return deploy.local_files(tmp_path, RULES)


def test_a_finished_production_build_passes_the_checks(tmp_path):
    files = finished_build(tmp_path, {"siteurl": "https://iwelcome.example", "search_index": {"pages": 1}})
    assert list(files) == ["index.html"], "the manifest is never uploaded"
    assert deploy.check_build(tmp_path, files, {}) == []
    assert deploy.check_build(tmp_path, files, {"SITEURL": "https://iwelcome.example/"}) == []


@pytest.mark.parametrize("manifest, environ, files, problem", [
    (None, {}, {}, "not a finished production build"),
    ({"siteurl": "", "search_index": {}}, {}, {}, "no absolute SITEURL"),
    ({"siteurl": "https://iwelcome.example"}, {}, {}, "search index"),
    ({"siteurl": "https://iwelcome.example", "search_index": {}}, {"SITEURL": "https://other.example"}, {},
     "the environment's SITEURL is https://other.example"),
    ({"siteurl": "https://iwelcome.example", "search_index": {}}, {}, {"drafts/updates/x/index.html": "x"}, "drafts"),
    ({"siteurl": "https://iwelcome.example", "search_index": {}}, {}, {"theme/css/site.css": "a{}"}, "no content hash"),
])
def test_a_build_that_is_not_a_finished_production_build_is_refused(tmp_path, manifest, environ, files, problem):
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    problems = deploy.check_build(tmp_path, finished_build(tmp_path, manifest), environ)
    assert any(problem in p for p in problems), problems


def test_the_target_comes_from_the_environment():
    with pytest.raises(deploy.DeployError, match="DEPLOY_BUCKET"):
        deploy.Target.from_env({})
    target = deploy.Target.from_env({"DEPLOY_BUCKET": "b", "DEPLOY_PREFIX": "/site/", "CDN_DISTRIBUTION_ID": "E1"})
    assert target.key("index.html") == "site/index.html" and target.path("site/index.html") == "index.html"
    assert target.distribution_id == "E1"
    assert deploy.Target.from_env({"DEPLOY_BUCKET": "b", "CDN_DISTRIBUTION_ID": ""}).distribution_id is None


def test_an_unknown_header_in_the_settings_is_an_error(tmp_path):
    settings = tmp_path / "conf.py"
    settings.write_text('DEPLOY_HEADERS = [("**", {"X-Frame-Options": "DENY"})]\n')
    with pytest.raises(deploy.DeployError, match="X-Frame-Options"):
        deploy.load_settings(settings)
