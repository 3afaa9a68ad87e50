"""`invoke deploy` for real: the production build uploaded over HTTP to a real S3 endpoint.

The endpoint is moto_server (the `moto[server]` package), started on a free 127.0.0.1 port for
this module with fake credentials; it implements S3 and CloudFront. The site is built the way
`invoke publish` builds it (publishconf.py, then the search index), once as it is, once again
(a rebuild with nothing changed) and once with one update changed, each into its own folder.
What changed between two builds is worked out here from their bytes, not by deploy.py.
"""

import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import deploy
from conftest import ROOT, article, create_distribution, run_pelican

CHANGED_UPDATE = "only-30-countries-offer-resettlement"
CHANGED_PAGE = f"updates/{CHANGED_UPDATE}/index.html"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


# --- the endpoint and the builds ---------------------------------------------------------------


@pytest.fixture
def aws(endpoint, monkeypatch):
    """Fake credentials and a new, empty bucket for each test; returns the boto3 clients."""
    import boto3

    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_CLOUDFRONT",
        "SITEURL",
        "DEPLOY_PREFIX",
        "CDN_DISTRIBUTION_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    bucket = f"site-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("DEPLOY_BUCKET", bucket)
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket)

    class AWS:
        pass

    aws = AWS()
    aws.s3, aws.cloudfront, aws.bucket, aws.endpoint = s3, boto3.client("cloudfront"), bucket, endpoint
    return aws


def production_build(content, output):
    """What `invoke publish` makes: Pelican with publishconf.py, its search index included."""
    build = run_pelican(content, output, settings="publishconf.py", search=True)
    assert build.returncode == 0, build.log
    return output


@pytest.fixture(scope="module")
def build_a(tmp_path_factory):
    return production_build(ROOT / "content", tmp_path_factory.mktemp("deploy") / "a")


@pytest.fixture(scope="module")
def build_a_again(tmp_path_factory):
    return production_build(ROOT / "content", tmp_path_factory.mktemp("deploy") / "a-again")


@pytest.fixture(scope="module")
def build_b(tmp_path_factory):
    """The site with one update changed: a new title (listings show it) and a new sentence."""
    folder = tmp_path_factory.mktemp("deploy")
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    source = content / "updates" / f"{CHANGED_UPDATE}.md"
    text = source.read_text(encoding="utf-8")
    header, body = text.split("\n\n", 1)
    header = "\n".join(
        "Title: Only 30 countries resettle refugees" if line.startswith("Title:") else line
        for line in header.splitlines()
    )
    source.write_text(f"{header}\n\nThis paragraph was added to test the deploy.\n\n{body}", encoding="utf-8")
    return production_build(content, folder / "b")


def files_of(output):
    """{path: bytes} of a build, as deploy uploads it (without the build manifest)."""
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(Path(output).rglob("*"))
        if p.is_file() and p.name != deploy.MANIFEST
    }


def changed_between(old, new):
    """Paths whose bytes are new or different in `new`."""
    return {path for path, data in new.items() if old.get(path) != data}


def bucket_state(aws, prefix=""):
    """{key: (ETag, LastModified)} of every object under the prefix but the deploy's record (which
    test_a_live_deploy_records_itself_... reads): one listing, no download."""
    return {
        item["Key"]: (item["ETag"], item["LastModified"])
        for page in aws.s3.get_paginator("list_objects_v2").paginate(Bucket=aws.bucket, Prefix=prefix)
        for item in page.get("Contents", [])
        if item["Key"].rpartition("/")[2] != deploy.STATE
    }


def bucket_files(aws, prefix=""):
    """{path: bytes} of every object under the prefix, downloaded over HTTP."""
    keys = sorted(bucket_state(aws, prefix))
    with ThreadPoolExecutor(max_workers=16) as pool:
        bodies = pool.map(lambda key: aws.s3.get_object(Bucket=aws.bucket, Key=key)["Body"].read(), keys)
        return {key[len(prefix) :]: body for key, body in zip(keys, bodies, strict=True)}


def etags_are_md5s_of(aws, files, prefix=""):
    """Whether the bucket holds exactly these files (by ETag, the MD5 of a single-part upload)."""
    etags = {key[len(prefix) :]: etag.strip('"') for key, (etag, _time) in bucket_state(aws, prefix).items()}
    return etags == {path: hashlib.md5(data).hexdigest() for path, data in files.items()}


def run_deploy(output, lines=None, **settings_and_options):
    settings = deploy.load_settings(ROOT / "publishconf.py")
    options = {}
    for name, value in settings_and_options.items():
        if name.isupper():
            settings[name] = value
        else:
            options[name] = value
    return deploy.deploy(output, settings, out=(lines.append if lines is not None else lambda line: None), **options)


def is_fingerprinted_asset(path):
    return path.startswith(("theme/", "pagefind/fragment/", "pagefind/index/", "pagefind/filter/")) or path.endswith(
        ".pf_meta"
    )


def viewer_path(path):
    return "/" + path.removesuffix("index.html")


def invalidated_paths(aws, distribution, invalidation_id):
    answer = aws.cloudfront.get_invalidation(DistributionId=distribution, Id=invalidation_id)
    return set(answer["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])


# --- the tests ---------------------------------------------------------------------------------


def test_the_builds_are_byte_identical_when_nothing_changed(build_a, build_a_again):
    assert files_of(build_a) == files_of(build_a_again)


def test_first_deploy_uploads_everything_and_an_unchanged_rebuild_uploads_nothing(aws, build_a, build_a_again):
    first = run_deploy(build_a)
    assert sorted(first.uploaded) == sorted(files_of(build_a))
    assert bucket_files(aws) == files_of(build_a)
    second = run_deploy(build_a_again)
    assert (second.uploaded, second.deleted, second.marked) == ([], [], [])
    assert second.plan.unchanged == len(files_of(build_a))


def test_one_changed_update_uploads_exactly_the_files_whose_bytes_changed(aws, build_a, build_b):
    a, b = files_of(build_a), files_of(build_b)
    changed = changed_between(a, b)
    assert CHANGED_PAGE in changed and "updates/index.html" in changed and "feeds/all.atom.xml" in changed
    assert len(changed) < len(b) / 3, "a small change makes a small deploy"
    run_deploy(build_a)
    result = run_deploy(build_b)
    assert set(result.uploaded) == changed and len(result.uploaded) == len(changed)
    # Files first, then stylesheets and scripts, then pages: no live page names a file not yet there.
    groups = [deploy.upload_group(path) for path in result.uploaded]
    assert groups == sorted(groups)
    # The old search chunks stay a while (pages in caches still use them), marked as superseded.
    gone = set(a) - set(b)
    assert gone and all(is_fingerprinted_asset(path) for path in gone)
    assert set(result.marked) == gone and result.deleted == []
    for path in gone:
        assert deploy.SUPERSEDED in aws.s3.head_object(Bucket=aws.bucket, Key=path)["Metadata"]
    # Once they have been kept long enough (here: at once), the bucket is the build.
    last = run_deploy(build_b, DEPLOY_KEEP_SUPERSEDED=0)
    assert last.uploaded == [] and set(last.deleted) == gone
    assert etags_are_md5s_of(aws, b)


def test_headers_and_types(aws, build_a):
    run_deploy(build_a)
    built = files_of(build_a)
    css = next(p for p in built if p.startswith("theme/css/"))
    js = next(p for p in built if p.startswith("theme/js/"))
    png = next(p for p in built if p.startswith("theme/img/logo."))
    fragment = next(p for p in built if p.startswith("pagefind/fragment/"))
    expected = {
        "index.html": ("text/html; charset=utf-8", SHORT),
        CHANGED_PAGE: ("text/html; charset=utf-8", SHORT),
        css: ("text/css; charset=utf-8", IMMUTABLE),
        js: ("text/javascript; charset=utf-8", IMMUTABLE),
        png: ("image/png", IMMUTABLE),
        fragment: ("application/octet-stream", IMMUTABLE),
        "pagefind/pagefind.js": ("text/javascript; charset=utf-8", SHORT),
        "pagefind/pagefind-entry.json": ("application/json; charset=utf-8", SHORT),
        "feeds/all.atom.xml": ("application/atom+xml; charset=utf-8", SHORT),
        "sitemap.xml": ("application/xml; charset=utf-8", SHORT),
        "robots.txt": ("text/plain; charset=utf-8", SHORT),
        "get-involved/actions.json": ("application/json; charset=utf-8", SHORT),
        "downloads/iwelcome-activist-toolkit.pdf": ("application/pdf", "public, max-age=86400"),
    }
    for path, (content_type, cache_control) in expected.items():
        head = aws.s3.head_object(Bucket=aws.bucket, Key=path)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control), path
        assert head["Metadata"]["md5"] == hashlib.md5(built[path]).hexdigest()
    # Over plain HTTP, as the CDN fetches it (signed, as CloudFront's origin access signs it).
    url = aws.s3.generate_presigned_url("get_object", Params={"Bucket": aws.bucket, "Key": "index.html"})
    with urllib.request.urlopen(url) as response:
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["Cache-Control"] == SHORT
        assert response.read() == built["index.html"]


def test_a_large_deletion_is_refused_unless_forced(aws, build_a, tmp_path):
    run_deploy(build_a)
    before = bucket_state(aws)
    broken = tmp_path / "broken"
    shutil.copytree(build_a, broken)
    for folder in ("updates", "press-releases", "case-studies", "topics", "countries", "archives"):
        shutil.rmtree(broken / folder)
    with pytest.raises(deploy.DeployError, match=r"would delete \d+ of the \d+ objects.*--force"):
        run_deploy(broken)
    assert bucket_state(aws) == before, "nothing was changed"
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(build_a / deploy.MANIFEST, empty)
    with pytest.raises(deploy.DeployError, match="would delete"):
        run_deploy(empty)
    assert bucket_state(aws) == before
    forced = run_deploy(broken, force=True)
    assert forced.deleted and all(not (broken / path).exists() for path in forced.deleted)
    assert set(bucket_state(aws)) == set(files_of(broken))


def test_a_build_that_did_not_finish_is_refused(aws, build_site, tmp_path):
    old = tmp_path / "output"  # what an earlier, finished build left
    old.mkdir()
    (old / "index.html").write_text("<!doctype html>")
    (old / deploy.MANIFEST).write_text('{"siteurl": "https://iwelcome.example", "search_index": {"pages": 1}}')
    broken = build_site({"updates/a.md": article(Title=None)}, settings="publishconf.py", search=True)
    assert broken.returncode == 1 and broken.output == old
    with pytest.raises(deploy.DeployError, match=r"does not exist|not a finished production build"):
        run_deploy(broken.output)
    preview = build_site({"updates/a.md": article()}, search=True)  # pelicanconf.py, as `invoke build`
    assert preview.returncode == 0, preview.log
    with pytest.raises(deploy.DeployError, match="not a finished production build"):
        run_deploy(preview.output)
    assert "Contents" not in aws.s3.list_objects_v2(Bucket=aws.bucket)


def test_dry_run_prints_the_plan_then_cloudfront_invalidates_exactly_the_changed_pages(
    aws, build_a, build_b, monkeypatch
):
    distribution = create_distribution(aws.cloudfront, aws.bucket)
    monkeypatch.setenv("CDN_DISTRIBUTION_ID", distribution)
    first = run_deploy(build_a)
    assert first.invalidation_id is not None
    changed = changed_between(files_of(build_a), files_of(build_b))
    expected = {viewer_path(path) for path in changed if not is_fingerprinted_asset(path)}
    assert f"/updates/{CHANGED_UPDATE}/" in expected and "/updates/" in expected and "/" in expected

    before = bucket_state(aws)
    lines = []
    dry = run_deploy(build_b, lines, dry_run=True)
    text = "\n".join(lines)
    assert f"{len(changed)} uploads" in text and CHANGED_PAGE in text
    assert f"invalidate on CDN {distribution}: {len(expected)} paths" in text and f"/updates/{CHANGED_UPDATE}/" in text
    assert text.endswith("Dry run: nothing was changed.")
    assert dry.uploaded == [] and bucket_state(aws) == before
    assert aws.cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Quantity"] == 1

    result = run_deploy(build_b)
    assert set(result.invalidated) == expected
    assert invalidated_paths(aws, distribution, result.invalidation_id) == expected
    # Past DEPLOY_INVALIDATION_MAX, one wildcard instead.
    result = run_deploy(build_a, DEPLOY_INVALIDATION_MAX=3)
    assert invalidated_paths(aws, distribution, result.invalidation_id) == {"/*"}
    assert run_deploy(build_a).invalidation_id is None, "no change, no invalidation"


def test_a_prefix_keeps_the_site_in_its_folder(aws, build_a, monkeypatch):
    aws.s3.put_object(Bucket=aws.bucket, Key="other/keep.txt", Body=b"not the site's")
    monkeypatch.setenv("DEPLOY_PREFIX", "site/v1/")
    run_deploy(build_a)
    assert etags_are_md5s_of(aws, files_of(build_a), "site/v1/")
    assert aws.s3.get_object(Bucket=aws.bucket, Key="other/keep.txt")["Body"].read() == b"not the site's"
    assert run_deploy(build_a).uploaded == []


def test_a_killed_deploy_converges_on_the_next_run(aws, build_a, build_b, monkeypatch):
    """Killed (SIGKILL) half way through uploading build B over build A: the next run uploads
    the rest, and invalidates on the CDN the pages the killed run had uploaded too."""
    distribution = create_distribution(aws.cloudfront, aws.bucket)
    monkeypatch.setenv("CDN_DISTRIBUTION_ID", distribution)
    run_deploy(build_a)
    a, b = files_of(build_a), files_of(build_b)
    changed = changed_between(a, b)
    md5 = {path: hashlib.md5(b[path]).hexdigest() for path in changed}

    def uploaded_so_far():
        listing = aws.s3.list_objects_v2(Bucket=aws.bucket)["Contents"]
        return {item["Key"] for item in listing if item["Key"] in md5 and item["ETag"].strip('"') == md5[item["Key"]]}

    killed = subprocess.Popen(
        [
            sys.executable,
            "deploy.py",
            str(build_b),
            "--settings",
            "publishconf.py",
            "--jobs",
            "2",
            "--upload-delay",
            "0.2",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while len(uploaded_so_far()) < 6 and time.monotonic() < deadline and killed.poll() is None:
        time.sleep(0.02)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    halfway = uploaded_so_far()
    assert 6 <= len(halfway) < len(changed), f"killed after {len(halfway)} of {len(changed)} uploads"
    assert any(path.endswith(".html") for path in halfway), "some pages were live before the kill"
    assert bucket_state(aws).keys() >= a.keys(), "nothing was deleted before the uploads were done"

    result = run_deploy(build_b, DEPLOY_KEEP_SUPERSEDED=0)
    assert set(result.uploaded) == changed - halfway
    assert bucket_files(aws) == b, "the bucket is the build, byte for byte"
    expected = {viewer_path(path) for path in changed if not is_fingerprinted_asset(path)}
    assert invalidated_paths(aws, distribution, result.invalidation_id) == expected
    assert deploy.PENDING_INVALIDATION not in {
        item["Key"] for item in aws.s3.list_objects_v2(Bucket=aws.bucket)["Contents"]
    }


def test_a_live_deploy_records_itself_where_the_hourly_rebuild_reads_it(aws, build_a, monkeypatch):
    """The record (deploy.STATE) says when the build started and of which commit; it is not the site's
    (no deploy uploads or deletes it as a file of the build), it is never cached, and the hourly
    rebuild's check reads it over HTTP as it would through the site (here moto's bucket URL)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("rebuild_due", ROOT / ".github" / "scripts" / "rebuild_due.py")
    rebuild_due = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rebuild_due)

    monkeypatch.setenv("DEPLOY_BUILT_AT", "2027-06-20T13:17:05Z")
    monkeypatch.setenv("DEPLOY_COMMIT", "0123abc")

    def through_the_site():
        aws.s3.put_object_acl(Bucket=aws.bucket, Key=deploy.STATE, ACL="public-read")  # as the CDN serves it
        return rebuild_due.read_record(f"{aws.endpoint}/{aws.bucket}")

    first = run_deploy(build_a)
    assert deploy.STATE not in first.uploaded
    head = aws.s3.head_object(Bucket=aws.bucket, Key=deploy.STATE)
    assert (head["ContentType"], head["CacheControl"]) == ("application/json; charset=utf-8", "no-store")
    record, why_not = through_the_site()
    assert why_not is None
    assert (record["built_at"], record["commit"]) == ("2027-06-20T13:17:05+00:00", "0123abc")
    assert datetime.fromisoformat(record["deployed_at"]) > datetime.now(UTC) - timedelta(minutes=5)
    again = run_deploy(build_a)
    assert (again.uploaded, again.deleted, again.plan.unchanged) == ([], [], len(files_of(build_a)))
    # By hand, with neither variable: a record that claims nothing, so the hourly rebuild builds.
    monkeypatch.delenv("DEPLOY_BUILT_AT")
    monkeypatch.delenv("DEPLOY_COMMIT")
    run_deploy(build_a, dry_run=True)
    assert json.loads(aws.s3.get_object(Bucket=aws.bucket, Key=deploy.STATE)["Body"].read())["commit"] == "0123abc"
    run_deploy(build_a)
    record, _ = through_the_site()
    assert (record["built_at"], record["commit"]) == (None, None)
    assert rebuild_due.decide(record, "0123abc", [], [], datetime.now(UTC))[0] is True


# --- failures: a preflight before any change, one line and no traceback for each ---------------

README_CI = 'README.md, "Deploy" > "CI"'
README_PERMISSIONS = 'README.md, "Deploy" > "The CDN"'
NO_CREDENTIALS = {  # the environment of a machine where boto3 finds no credentials at all
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_WEB_IDENTITY_TOKEN_FILE": None,
    "AWS_ROLE_ARN": None,
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def deploy_command(output, *options, env=None, **popen):
    """deploy.py as `python3 tasks.py deploy` runs it, in the test's environment changed by `env` (None: unset)."""
    environ = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    command = [sys.executable, "deploy.py", str(output), "--settings", "publishconf.py", *options]
    if popen:
        return subprocess.Popen(command, cwd=ROOT, env=environ, text=True, **popen)
    return subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)


def failure(run, code=1):
    """The one line a failed deploy wrote to stderr, having checked the exit code and that no traceback was printed."""
    output = run.stdout + run.stderr
    assert "Traceback" not in output, output
    assert run.returncode == code, output
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def seeded(aws):
    """The bucket holding one page, as it is: a failed deploy must leave it exactly so."""
    aws.s3.put_object(Bucket=aws.bucket, Key="index.html", Body=b"<!doctype html><title>the live site</title>")
    return bucket_state(aws)


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def moto_checks_credentials(endpoint):
    """Inside the block moto_server checks signatures and IAM policies, as AWS does (the
    INITIAL_NO_AUTH_ACTION_COUNT of its docs, set to 0 through /moto-api/reset-auth); after it, no more.
    (moto cannot check CloudFront's signatures: it rejects even good ones, so no CDN inside.)"""

    def reset(count):
        request = urllib.request.Request(
            f"{endpoint}/moto-api/reset-auth", data=count, method="POST", headers={"Content-Type": "text/plain"}
        )
        urllib.request.urlopen(request, timeout=5).read()

    reset(b"0")
    try:
        yield
    finally:
        reset(b"inf")


def iam_user(statements):
    """A new IAM user in moto with these policy statements: {AWS_ACCESS_KEY_ID: ..., AWS_SECRET_ACCESS_KEY: ...}."""
    import boto3

    iam, name = boto3.client("iam"), f"deploy-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="deploy",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


@contextmanager
def local_server(answer):
    """A server on a free port of 127.0.0.1 that `answer(connection)`s every connection, each in a thread."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(32)
    connections = []

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return  # closed
            connections.append(connection)
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    finally:
        listener.close()
        for connection in connections:
            connection.close()


def test_no_credentials(aws, build_a):
    before = seeded(aws)
    line = failure(deploy_command(build_a, env=NO_CREDENTIALS))
    assert line == (
        "Deploy preflight failed, nothing was changed: boto3 found no AWS credentials: in CI, set the "
        "variable AWS_ROLE_ARN (the OIDC role) or, as a fallback, the secrets AWS_ACCESS_KEY_ID and "
        f"AWS_SECRET_ACCESS_KEY; by hand, set those two variables ({README_CI})."
    )
    assert bucket_state(aws) == before


def test_wrong_credentials_name_the_secret_to_check_and_never_show_it(aws, build_a):
    before = seeded(aws)
    unknown = {"AWS_ACCESS_KEY_ID": "AKIAWRONGKEY0000TEST", "AWS_SECRET_ACCESS_KEY": "wrong-secret-never-printed"}
    deployer = iam_user([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])
    wrong_secret = {**deployer, "AWS_SECRET_ACCESS_KEY": "wrong-secret-never-printed"}
    with moto_checks_credentials(aws.endpoint):
        runs = [deploy_command(build_a, env=unknown), deploy_command(build_a, "--dry-run", env=wrong_secret)]
    assert failure(runs[0]) == (
        "Deploy preflight failed, nothing was changed: S3 does not know the access key in AWS_ACCESS_KEY_ID "
        "(mistyped, deleted or deactivated, or a key of another store than AWS_ENDPOINT_URL): check the "
        f"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY secrets, or use the role (AWS_ROLE_ARN) ({README_CI})."
    )
    assert failure(runs[1]) == (
        "Deploy preflight failed, nothing was changed: S3 rejected the request signature: AWS_SECRET_ACCESS_KEY is "
        "not the secret of the access key in AWS_ACCESS_KEY_ID; set both secrets again, as one pair "
        f"({README_CI})."
    )
    for run in runs:
        for value in (*unknown.values(), *deployer.values(), "wrong-secret"):
            assert value not in run.stdout + run.stderr
    assert bucket_state(aws) == before


def test_a_bucket_that_does_not_exist(aws, build_a, monkeypatch):
    before = seeded(aws)
    line = failure(deploy_command(build_a, env={"DEPLOY_BUCKET": "no-such-bucket-here"}))
    assert line == (
        'Deploy preflight failed, nothing was changed: bucket "no-such-bucket-here" does not exist at '
        f"{aws.endpoint}: check DEPLOY_BUCKET, and AWS_ENDPOINT_URL and AWS_DEFAULT_REGION "
        '(README.md, "Deploy").'
    )
    assert bucket_state(aws) == before


def test_a_wrong_distribution_is_found_before_any_upload(aws, build_a):
    before = seeded(aws)
    for options in ((), ("--dry-run",)):
        line = failure(deploy_command(build_a, *options, env={"CDN_DISTRIBUTION_ID": "E0000000WRONG"}))
        assert line == (
            "Deploy preflight failed, nothing was changed: CloudFront has no distribution "
            '"E0000000WRONG": check CDN_DISTRIBUTION_ID (the ID the CloudFront console shows, such as '
            'E2QWRUHAPOMQZL), or unset it to deploy without invalidating (README.md, "Deploy").'
        )
    assert bucket_state(aws) == before, "nothing uploaded"


def test_the_endpoint_is_down(aws, build_a):
    endpoint = f"http://127.0.0.1:{closed_port()}"
    line = failure(deploy_command(build_a, env={"AWS_ENDPOINT_URL": endpoint, "AWS_MAX_ATTEMPTS": "2"}))
    assert line == (
        f"Deploy preflight failed, nothing was changed: cannot connect to {endpoint} (2 attempts): "
        "check that the store is up, AWS_ENDPOINT_URL and AWS_DEFAULT_REGION, and the network."
    )


def test_an_endpoint_that_never_answers_times_out(aws, build_a):
    with local_server(lambda connection: None) as (endpoint, connections):
        started = time.monotonic()
        run = deploy_command(
            build_a, env={"AWS_ENDPOINT_URL": endpoint, "DEPLOY_TIMEOUT": "0.3", "AWS_MAX_ATTEMPTS": "2"}
        )
        took = time.monotonic() - started
        assert len(connections) == 2, "each attempt on a connection of its own"
    assert failure(run) == (
        f"Deploy preflight failed, nothing was changed: {endpoint} did not answer within 0.3 s "
        "(2 attempts): deploy again later; on a slow connection, raise DEPLOY_TIMEOUT (seconds)."
    )
    assert took < 10


def test_throttling(aws, build_a):
    """A store that answers every request 503 SlowDown, as S3 does past its request rate."""
    requests = []

    class SlowDown(http.server.BaseHTTPRequestHandler):
        def answer(self):
            requests.append(self.command)
            body = (
                b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
                b"<Message>Please reduce your request rate.</Message></Error>"
            )
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = answer  # noqa: N815 - http.server calls do_<METHOD>

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowDown)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        run = deploy_command(build_a, env={"AWS_ENDPOINT_URL": endpoint, "AWS_MAX_ATTEMPTS": "2"})
    finally:
        server.shutdown()
        server.server_close()
    assert requests == ["GET", "GET"], "tried again once"
    assert failure(run) == (
        "Deploy preflight failed, nothing was changed: S3 is throttling the deploy (SlowDown, HTTP 503) and still "
        "was after 2 attempts: wait a few minutes, then deploy again (fewer uploads at a time with --jobs, or more "
        "attempts with AWS_MAX_ATTEMPTS, also help)."
    )


def test_access_denied_half_way_leaves_a_consistent_site_and_the_next_deploy_converges(aws, build_a, build_b):
    """Credentials that may list and upload, but not upload pages (*.html): the files and
    stylesheets of build B go up, its pages do not, nothing is deleted."""
    run_deploy(build_a)
    before = bucket_state(aws)
    no_pages = iam_user(
        [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{aws.bucket}/*.html"},
        ]
    )
    with moto_checks_credentials(aws.endpoint):
        run = deploy_command(build_b, env=no_pages)
    line = failure(run)
    changed = changed_between(files_of(build_a), files_of(build_b))
    found = re.fullmatch(
        rf"Deploy failed after (\d+) of {len(changed)} uploads, nothing deleted: uploading (\S+\.html): the deploy's "
        rf'credentials may not write to bucket "{aws.bucket}" \(s3:PutObject; AccessDenied, HTTP 403\): give the role '
        rf"\(or the deploy identity\) the permissions listed in {re.escape(README_PERMISSIONS)}, "
        r"or check DEPLOY_BUCKET\. "
        r"The live site is still consistent \(files go up before the pages that name them, deletions come last\): "
        r"once this is fixed, deploy again and it uploads the rest\.",
        line,
    )
    assert found, line
    after = bucket_state(aws)
    new = {key for key in after if after[key] != before.get(key)}
    assert int(found[1]) == len(new) and new < changed and found[2] in changed - new
    assert after.keys() >= before.keys(), "nothing deleted"
    assert not any(key.endswith(".html") for key in new), "no page changed"
    assert any(deploy.upload_group(key) < 2 for key in new), "the files the new pages need went up"

    result = run_deploy(build_b, DEPLOY_KEEP_SUPERSEDED=0)
    assert set(result.uploaded) == changed - new
    assert etags_are_md5s_of(aws, files_of(build_b))


def test_an_interrupted_deploy_says_how_far_it_got(aws, build_a, build_b):
    run_deploy(build_a)
    changed = changed_between(files_of(build_a), files_of(build_b))
    before = bucket_state(aws)
    running = deploy_command(
        build_b, "--jobs", "2", "--upload-delay", "0.8", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sum(bucket_state(aws).get(k) != before.get(k) for k in changed) < 4:
        time.sleep(0.05)
    running.send_signal(signal.SIGINT)
    stdout, stderr = running.communicate(timeout=20)
    run = subprocess.CompletedProcess(running.args, running.returncode, stdout, stderr)
    line = failure(run, code=130)
    uploaded = sum(bucket_state(aws).get(key) != before.get(key) for key in changed)
    assert line == (
        f"Deploy interrupted after {uploaded} of {len(changed)} uploads, nothing deleted. The live site is "
        "still consistent (files go up before the pages that name them, deletions come last): deploy "
        "again and it uploads the rest."
    )


def test_a_bug_in_deploy_py_is_not_dressed_up_as_a_store_failure(aws, build_a, monkeypatch):
    def broken(self, f, delay=0):
        raise TypeError("a bug")

    monkeypatch.setattr(deploy.Bucket, "put", broken)
    with pytest.raises(TypeError, match="a bug"):
        run_deploy(build_a)
