"""Unit tests of deploy.py's planning: plain functions over plain data, no bucket."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from botocore import exceptions as boto

import deploy
from conftest import ROOT
from deploy import LocalFile, RemoteObject, make_plan
from iwelcome import build_manifest

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


@pytest.mark.parametrize(
    "path, content_type",
    [
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
    ],
)
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
        "ContentType": "application/pdf",
        "ContentDisposition": "attachment",
        "CacheControl": "no-cache",
    }


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
    files = [
        local("updates/x/index.html"),
        local(CSS),
        local("theme/img/a.0123456789.png"),
        local("pagefind/pagefind-entry.json"),
        local("pagefind/fragment/en_0123456.pf_fragment"),
        local("pagefind/pagefind.js"),
        local("feeds/all.atom.xml"),
    ]
    plan = plan_for(files, {})
    assert [[f.path for f in group] for group in plan.uploads] == [
        ["pagefind/fragment/en_0123456.pf_fragment", "theme/img/a.0123456789.png"],
        ["pagefind/pagefind.js", CSS],
        ["feeds/all.atom.xml", "pagefind/pagefind-entry.json", "updates/x/index.html"],
    ]
    assert plan.invalidations == [
        "/feeds/all.atom.xml",
        "/pagefind/pagefind-entry.json",
        "/pagefind/pagefind.js",
        "/updates/x/",
    ], "fingerprinted files are never invalidated"


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


@pytest.mark.parametrize(
    "manifest, environ, files, problem",
    [
        (None, {}, {}, "not a finished production build"),
        ({"siteurl": "", "search_index": {}}, {}, {}, "no absolute SITEURL"),
        ({"siteurl": "https://iwelcome.example"}, {}, {}, "search index"),
        (
            {"siteurl": "https://iwelcome.example", "search_index": {}},
            {"SITEURL": "https://other.example"},
            {},
            "the environment's SITEURL is https://other.example",
        ),
        (
            {"siteurl": "https://iwelcome.example", "search_index": {}},
            {},
            {"drafts/updates/x/index.html": "x"},
            "drafts",
        ),
        (
            {"siteurl": "https://iwelcome.example", "search_index": {}},
            {},
            {"theme/css/site.css": "a{}"},
            "no content hash",
        ),
    ],
)
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


@pytest.mark.parametrize("good", ["previews/pr-7", "/previews/pr-7/", "previews/branch.name_2"])
def test_a_preview_is_one_folder_in_previews(good):
    assert deploy.preview_problem(good) is None
    target = deploy.Target.from_env({"DEPLOY_BUCKET": "b", "DEPLOY_PREFIX": "site"}, good)
    assert (
        target.folder == f"site/{good.strip('/')}" and target.key("index.html") == f"site/{good.strip('/')}/index.html"
    )
    assert target.owns("previews/x/index.html"), "everything in its own folder is the preview's"
    assert not target.owns(deploy.STATE) and not target.owns(deploy.PENDING_INVALIDATION)


@pytest.mark.parametrize(
    "bad", ["", "/", ".", "previews", "previews/", "previews/..", "previews/.x", "previews/a/b", "a/previews/b", "x"]
)
def test_any_other_folder_is_refused_for_a_preview(bad):
    assert "a preview goes in a folder of its own in previews/" in deploy.preview_problem(bad)
    with pytest.raises(deploy.DeployError, match="previews/pr-7"):
        deploy.Target.from_env({"DEPLOY_BUCKET": "b"}, bad)


def test_the_live_site_owns_nothing_in_previews():
    live = deploy.Target.from_env({"DEPLOY_BUCKET": "b", "DEPLOY_PREFIX": "site"})
    assert live.folder == "site" and live.owns("index.html") and live.owns("previews.html")
    assert live.owns("previewsx/a") and live.owns("updates/previews/a")
    assert not live.owns("previews/pr-7/index.html") and not live.owns("previews")
    assert not live.owns(deploy.STATE) and not live.owns(deploy.PENDING_INVALIDATION)


def test_a_preview_build_and_a_live_build_are_told_apart(tmp_path):
    manifest = {"siteurl": "https://iwelcome.example/previews/pr-7", "search_index": {"pages": 1}}
    (tmp_path / build_manifest.NAME).write_text(json.dumps(manifest))
    (tmp_path / "index.html").write_text('<html><head><meta name="robots" content="noindex"></head><body>')
    files = deploy.local_files(tmp_path, RULES)
    assert deploy.check_build(tmp_path, files, {}, "previews/pr-7") == []
    assert any("a preview build" in p for p in deploy.check_build(tmp_path, files, {}))
    assert any(
        "not for a preview in previews/pr-8/" in p for p in deploy.check_build(tmp_path, files, {}, "previews/pr-8")
    )
    (tmp_path / "index.html").write_text("<html><head></head><body>noindex in the text says nothing")
    files = deploy.local_files(tmp_path, RULES)
    assert any("do not say noindex" in p for p in deploy.check_build(tmp_path, files, {}, "previews/pr-7"))


def test_what_a_live_deploy_records():
    now = datetime(2027, 6, 20, 13, 20, tzinfo=UTC).timestamp()
    environ = {"DEPLOY_BUILT_AT": "2027-06-20T13:17:05Z", "DEPLOY_COMMIT": "abc"}
    assert deploy.deploy_record(environ, now) == {
        "built_at": "2027-06-20T13:17:05+00:00",
        "commit": "abc",
        "deployed_at": "2027-06-20T13:20:00+00:00",
    }
    assert deploy.deploy_record({"DEPLOY_BUILT_AT": "soon"}, now)["built_at"] is None
    assert deploy.deploy_record({}, now)["commit"] is None


def test_an_unknown_header_in_the_settings_is_an_error(tmp_path):
    settings = tmp_path / "conf.py"
    settings.write_text('DEPLOY_HEADERS = [("**", {"X-Frame-Options": "DENY"})]\n')
    with pytest.raises(deploy.DeployError, match="X-Frame-Options"):
        deploy.load_settings(settings)


# --- Failures: one line, what is wrong and what to do, no credentials -------------------------

TARGET = deploy.Target("site-bucket", "", "E2QWRUHAPOMQZL")
NETWORK = deploy.Network(connect_timeout=10, read_timeout=60, attempts=5)
ENDPOINT = "https://s3.us-east-1.amazonaws.com"
KEY, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def client_error(code, operation, status, message="", retries=None):
    meta = {"HTTPStatusCode": status} if status else {}
    if retries is not None:
        meta |= {"RetryAttempts": retries, "MaxAttemptsReached": True}
    return boto.ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": meta}, operation)


FAILURES = [  # (the exception, what the line must say)
    (
        boto.NoCredentialsError(),
        ["no AWS credentials", "AWS_ROLE_ARN", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", '"Deploy" > "CI"'],
    ),
    (
        boto.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
        ["incomplete (AWS_SECRET_ACCESS_KEY is missing)"],
    ),
    (boto.ProfileNotFound(profile="deploy"), ["AWS_PROFILE", "'deploy'"]),
    (
        boto.CredentialRetrievalError(provider="custom-process", error_msg=f"key {KEY} refused"),
        ["custom-process", "(an access key)"],
    ),
    (boto.NoRegionError(), ["AWS_DEFAULT_REGION"]),
    (
        client_error("InvalidAccessKeyId", "ListObjectsV2", 403, f"The AWS Access Key Id {KEY} does not exist"),
        [
            "S3 does not know the access key in AWS_ACCESS_KEY_ID",
            "check the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY secrets",
        ],
    ),
    (client_error("InvalidClientTokenId", "GetDistribution", 403), ["CloudFront does not know the access key"]),
    (
        client_error("SignatureDoesNotMatch", "ListObjectsV2", 403),
        ["rejected the request signature", "AWS_SECRET_ACCESS_KEY is not the secret", "as one pair"],
    ),
    (client_error("ExpiredToken", "PutObject", 400), ["temporary credentials have expired", "AWS_ROLE_ARN"]),
    (client_error("RequestTimeTooSkewed", "PutObject", 403), ["clock"]),
    (
        client_error("AccessDenied", "ListObjectsV2", 403),
        [
            'may not list bucket "site-bucket" (s3:ListBucket; AccessDenied, HTTP 403)',
            '"Deploy" > "The CDN"',
            "DEPLOY_BUCKET",
        ],
    ),
    (client_error("AccessDenied", "PutObject", 403), ['may not write to bucket "site-bucket" (s3:PutObject;']),
    (client_error("403", "HeadObject", 403), ['may not read the objects of bucket "site-bucket" (s3:GetObject; 403)']),
    (
        client_error("AccessDenied", "DeleteObjects", None),
        ['may not delete from bucket "site-bucket" (s3:DeleteObject; AccessDenied)'],
    ),
    (
        client_error("AccessDenied", "GetDistribution", 403),
        ['may not read distribution "E2QWRUHAPOMQZL" (cloudfront:GetDistribution;', "CDN_DISTRIBUTION_ID"],
    ),
    (client_error("AccessDenied", "CreateInvalidation", 403), ["cloudfront:CreateInvalidation"]),
    (client_error("", "GetDistribution", 403), ["cloudfront:GetDistribution; 403"]),
    (
        client_error("NoSuchBucket", "ListObjectsV2", 404),
        ['bucket "site-bucket" does not exist at https://s3.us-east-1.amazonaws.com: check DEPLOY_BUCKET'],
    ),
    (client_error("404", "HeadBucket", 404), ['bucket "site-bucket" does not exist']),
    (client_error("PermanentRedirect", "ListObjectsV2", 301), ["another region", "AWS_DEFAULT_REGION"]),
    (
        client_error("NoSuchDistribution", "GetDistribution", 404),
        ['CloudFront has no distribution "E2QWRUHAPOMQZL": check CDN_DISTRIBUTION_ID'],
    ),
    (client_error("TooManyInvalidationsInProgress", "CreateInvalidation", 400), ["too many invalidations in progress"]),
    (
        client_error("SlowDown", "PutObject", 503, "Please reduce your request rate.", retries=4),
        [
            "S3 is throttling the deploy (SlowDown, HTTP 503) and still was after 5 attempts",
            "--jobs",
            "AWS_MAX_ATTEMPTS",
        ],
    ),
    (
        client_error("Throttling", "CreateInvalidation", 400, "Rate exceeded", retries=2),
        ["CloudFront is throttling the deploy (Throttling, HTTP 400) and still was after 3 attempts"],
    ),
    (client_error("RequestLimitExceeded", "ListObjectsV2", 400), ["throttling", "after 5 attempts"]),
    (client_error("ServiceUnavailable", "PutObject", 503, retries=4), ["throttling", "HTTP 503"]),
    (client_error("InternalError", "PutObject", 500, retries=4), ["S3 failed (InternalError, HTTP 500) 5 times"]),
    (
        client_error("InvalidArgument", "PutObject", 400, f"bad header; Credential={KEY}/20260101/us-east-1/s3"),
        ["S3 refused PutObject", "InvalidArgument", "Credential=(hidden)"],
    ),
    (
        boto.EndpointConnectionError(endpoint_url="http://127.0.0.1:9/site-bucket?list-type=2&prefix="),
        ["cannot connect to http://127.0.0.1:9 (5 attempts)", "AWS_ENDPOINT_URL"],
    ),
    (
        boto.ConnectTimeoutError(endpoint_url="https://s3.us-east-1.amazonaws.com/site-bucket", error="timed out"),
        ["no connection to https://s3.us-east-1.amazonaws.com within 10 s (5 attempts)", "DEPLOY_TIMEOUT"],
    ),
    (
        boto.ReadTimeoutError(
            endpoint_url="https://s3.us-east-1.amazonaws.com/site-bucket/index.html", error="timed out"
        ),
        ["https://s3.us-east-1.amazonaws.com did not answer within 60 s (5 attempts)", "DEPLOY_TIMEOUT"],
    ),
    (
        boto.ConnectionClosedError(endpoint_url="https://s3.us-east-1.amazonaws.com/x"),
        ["broke off the connection", "ConnectionClosedError"],
    ),
    (
        boto.SSLError(endpoint_url="https://minio.example:9000/x", error="CERTIFICATE_VERIFY_FAILED"),
        ["TLS connection to https://minio.example:9000 failed", "AWS_CA_BUNDLE"],
    ),
    (
        boto.ProxyConnectionError(proxy_url="http://deploy:hunter2-password@proxy.example:3128", error="refused"),
        ["the proxy http://proxy.example:3128", "HTTPS_PROXY"],
    ),
    (
        boto.ParamValidationError(report='Invalid bucket name "site bucket": Bucket name must match the regex'),
        ["DEPLOY_BUCKET is not a valid bucket name", '"site bucket"'],
    ),
    (
        boto.ParamValidationError(report="Invalid length for parameter Key, value: 0, valid min length: 1"),
        ["boto3 refused a request before sending it", "DEPLOY_PREFIX"],
    ),
    (
        FileNotFoundError(2, "No such file or directory", "output/index.html"),
        ["cannot read output/index.html (No such file or directory)", "tasks.py publish"],
    ),
    (deploy.BuildChanged("updates/x/index.html"), ["updates/x/index.html changed while deploying", "build again"]),
    (deploy.StepFailed("index.html", client_error("SlowDown", "PutObject", 503)), ["throttling"]),
]


@pytest.mark.parametrize("error, says", FAILURES, ids=[f"{type(e).__name__}-{n}" for n, (e, _) in enumerate(FAILURES)])
def test_each_failure_is_one_line_saying_what_is_wrong_and_what_to_do(error, says):
    line = deploy.failure_message(error, TARGET, NETWORK, ENDPOINT)
    for words in says:
        assert words in line, line
    assert "\n" not in line and 30 < len(line) < 400, line
    for secret in (KEY, SECRET, "hunter2", "Traceback"):
        assert secret not in line
    # Every line says what to do: a variable, a README section, a command or "again".
    assert re.search(r"[A-Z]{3,}_[A-Z_]+|README\.md|tasks\.py|again|--jobs", line), line


def test_messages_pass_on_no_credential_a_server_or_botocore_wrote():
    text = (
        f"Credential={KEY}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc123 "
        f"X-Amz-Security-Token=IQoJb3JpZ2lu ASIAQWERTYUIOPASDFGH\nsecond line"
    )
    scrubbed = deploy.scrub(text)
    assert KEY not in scrubbed and "abc123" not in scrubbed and "IQoJb3JpZ2lu" not in scrubbed
    assert "ASIAQWERTYUIOPASDFGH" not in scrubbed and "\n" not in scrubbed
    assert deploy.host_of("https://user:pass@proxy.example:3128/a?X-Amz-Credential=x") == "https://proxy.example:3128"
    assert (
        deploy.redact(f"key {KEY}, secret {SECRET}", {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET})
        == "key (hidden), secret (hidden)"
    )


def test_the_timeouts_and_attempts_come_from_the_environment():
    assert deploy.Network.from_env({}) == deploy.Network(10, 60, 5)
    assert deploy.Network.from_env({"DEPLOY_TIMEOUT": "120", "AWS_MAX_ATTEMPTS": "3"}) == deploy.Network(10, 120, 3)
    assert deploy.Network.from_env({"DEPLOY_TIMEOUT": "0.25", "AWS_MAX_ATTEMPTS": "1"}) == deploy.Network(0.25, 0.25, 1)
    assert deploy.Network.from_env({"DEPLOY_TIMEOUT": " ", "AWS_MAX_ATTEMPTS": ""}) == deploy.Network()
    for environ, variable in [
        ({"DEPLOY_TIMEOUT": "1m"}, "DEPLOY_TIMEOUT"),
        ({"DEPLOY_TIMEOUT": "0"}, "DEPLOY_TIMEOUT"),
        ({"DEPLOY_TIMEOUT": "nan"}, "DEPLOY_TIMEOUT"),
        ({"AWS_MAX_ATTEMPTS": "0"}, "AWS_MAX_ATTEMPTS"),
        ({"AWS_MAX_ATTEMPTS": "two"}, "AWS_MAX_ATTEMPTS"),
    ]:
        with pytest.raises(deploy.DeployError, match=variable):
            deploy.Network.from_env(environ)


def test_the_failure_line_says_how_far_the_deploy_got():
    reason = "S3 is throttling the deploy (SlowDown, HTTP 503)"
    assert (
        deploy.failure_line("preflight", "boto3 found no AWS credentials: set X")
        == "Deploy preflight failed, nothing was changed: boto3 found no AWS credentials: set X."
    )
    assert deploy.failure_line("reading", reason, path="theme/a.0123456789.css").startswith(
        f"Deploy failed, nothing was changed: reading theme/a.0123456789.css: {reason}."
    )
    line = deploy.failure_line("uploading", reason, path="updates/x/index.html", uploaded=37, uploads=112)
    assert line.startswith(
        f"Deploy failed after 37 of 112 uploads, nothing deleted: uploading updates/x/index.html: {reason}. "
    )
    assert "The live site is still consistent" in line and "deploy again and it uploads the rest." in line
    line = deploy.failure_line("deleting", reason, path="old/index.html", uploads=3, deleted=1)
    assert (
        line.startswith("Deploy failed after all 3 uploads and 1 deletions: deleting old/index.html")
        and "deletes them" in line
    )
    line = deploy.failure_line("invalidating", reason, uploads=3, paths=2, distribution="E1")
    assert (
        "invalidating 2 paths on CDN E1" in line
        and deploy.PENDING_INVALIDATION in line
        and "the next deploy invalidates" in line
    )
    line = deploy.failure_line("uploading", None, uploaded=5, uploads=20, interrupted=True)
    assert line.startswith(
        "Deploy interrupted after 5 of 20 uploads, nothing deleted. The live site is still consistent"
    )
    assert line.endswith(": deploy again and it uploads the rest.")
    assert deploy.failure_line("reading", None, interrupted=True) == "Deploy interrupted, nothing was changed."
    for stage in deploy.STAGES:
        assert "\n" not in deploy.failure_line(stage, reason, path="p", uploads=1)


def test_objects_that_could_not_be_deleted_stop_the_deploy_with_their_key_and_code():
    class Client:
        def delete_objects(self, Bucket, Delete):  # noqa: N803 - boto3's keyword arguments, which deploy.py passes
            keys = [item["Key"] for item in Delete["Objects"]]
            return {"Errors": [{"Key": keys[1], "Code": "AccessDenied", "Message": "Access Denied"}]}

    bucket = deploy.Bucket(deploy.Target("b", "site"), Client())
    done = []
    with pytest.raises(deploy.StepFailed) as stopped:
        bucket.delete(["a.html", "b.html", "c.html"], done)
    assert done == ["a.html", "c.html"] and stopped.value.path == "b.html"
    assert 'may not delete from bucket "site-bucket" (s3:DeleteObject; AccessDenied)' in deploy.failure_message(
        stopped.value, TARGET
    )
