"""`invoke deploy` for real: the production build uploaded over HTTP to a real S3 endpoint.

The endpoint is moto_server (the `moto[server]` package), started on a free 127.0.0.1 port for
this module with fake credentials; it implements S3 and CloudFront. The site is built the way
`invoke publish` builds it (publishconf.py, then the search index), once as it is, once again
(a rebuild with nothing changed) and once with one update changed, each into its own folder.
What changed between two builds is worked out here from their bytes, not by deploy.py.
"""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, build_search_index, run_pelican

sys.path.insert(0, str(ROOT))
import deploy  # noqa: E402

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
CHANGED_UPDATE = "only-30-countries-offer-resettlement"
CHANGED_PAGE = f"updates/{CHANGED_UPDATE}/index.html"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


# --- the endpoint and the builds ---------------------------------------------------------------

@pytest.fixture(scope="module")
def endpoint():
    """moto_server on a free port of 127.0.0.1, stopped after the module."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"moto_server stopped (exit code {server.returncode})")
            time.sleep(0.05)
    else:
        pytest.fail("moto_server did not answer within 10 s")
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def aws(endpoint, monkeypatch):
    """Fake credentials and a new, empty bucket for each test; returns the boto3 clients."""
    import boto3

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_CLOUDFRONT",
                 "SITEURL", "DEPLOY_PREFIX", "CDN_DISTRIBUTION_ID"):
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
    """What `invoke publish` makes: Pelican with publishconf.py, then the search index."""
    build = run_pelican(content, output, settings="publishconf.py")
    assert build.returncode == 0, build.log
    build_search_index(output)
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
    header = "\n".join(f"Title: Only 30 countries resettle refugees" if line.startswith("Title:") else line
                       for line in header.splitlines())
    source.write_text(f"{header}\n\nThis paragraph was added to test the deploy.\n\n{body}", encoding="utf-8")
    return production_build(content, folder / "b")


def files_of(output):
    """{path: bytes} of a build, as deploy uploads it (without the build manifest)."""
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(Path(output).rglob("*")) if p.is_file() and p.name != deploy.MANIFEST}


def changed_between(old, new):
    """Paths whose bytes are new or different in `new`."""
    return {path for path, data in new.items() if old.get(path) != data}


def bucket_state(aws, prefix=""):
    """{key: (ETag, LastModified)} of every object under the prefix: one listing, no download."""
    return {item["Key"]: (item["ETag"], item["LastModified"])
            for page in aws.s3.get_paginator("list_objects_v2").paginate(Bucket=aws.bucket, Prefix=prefix)
            for item in page.get("Contents", [])}


def bucket_files(aws, prefix=""):
    """{path: bytes} of every object under the prefix, downloaded over HTTP."""
    keys = sorted(bucket_state(aws, prefix))
    with ThreadPoolExecutor(max_workers=16) as pool:
        bodies = pool.map(lambda key: aws.s3.get_object(Bucket=aws.bucket, Key=key)["Body"].read(), keys)
        return {key[len(prefix):]: body for key, body in zip(keys, bodies)}


def etags_are_md5s_of(aws, files, prefix=""):
    """Whether the bucket holds exactly these files (by ETag, the MD5 of a single-part upload)."""
    etags = {key[len(prefix):]: etag.strip('"') for key, (etag, _time) in bucket_state(aws, prefix).items()}
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
    return path.startswith("theme/") or path.startswith(("pagefind/fragment/", "pagefind/index/", "pagefind/filter/")) \
        or path.endswith(".pf_meta")


def viewer_path(path):
    return "/" + path.removesuffix("index.html")


def create_distribution(aws):
    answer = aws.cloudfront.create_distribution(DistributionConfig={
        "CallerReference": uuid.uuid4().hex, "Comment": "test", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": f"{aws.bucket}.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}},
    })
    return answer["Distribution"]["Id"]


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
    from conftest import article

    old = tmp_path / "output"  # what an earlier, finished build left
    old.mkdir()
    (old / "index.html").write_text("<!doctype html>")
    (old / deploy.MANIFEST).write_text('{"siteurl": "https://iwelcome.example", "search_index": {"pages": 1}}')
    broken = build_site({"updates/a.md": article(Title=None)}, settings="publishconf.py")
    assert broken.returncode == 1 and broken.output == old
    with pytest.raises(deploy.DeployError, match="does not exist|not a finished production build"):
        run_deploy(broken.output)
    preview = build_site({"updates/a.md": article()})  # pelicanconf.py, as `invoke build`
    assert preview.returncode == 0, preview.log
    build_search_index(preview.output)
    with pytest.raises(deploy.DeployError, match="not a finished production build"):
        run_deploy(preview.output)
    assert "Contents" not in aws.s3.list_objects_v2(Bucket=aws.bucket)


def test_dry_run_prints_the_plan_then_cloudfront_invalidates_exactly_the_changed_pages(aws, build_a, build_b, monkeypatch):
    distribution = create_distribution(aws)
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
    distribution = create_distribution(aws)
    monkeypatch.setenv("CDN_DISTRIBUTION_ID", distribution)
    run_deploy(build_a)
    a, b = files_of(build_a), files_of(build_b)
    changed = changed_between(a, b)
    md5 = {path: hashlib.md5(b[path]).hexdigest() for path in changed}

    def uploaded_so_far():
        listing = aws.s3.list_objects_v2(Bucket=aws.bucket)["Contents"]
        return {item["Key"] for item in listing if item["Key"] in md5 and item["ETag"].strip('"') == md5[item["Key"]]}

    killed = subprocess.Popen(
        [sys.executable, "deploy.py", str(build_b), "--settings", "publishconf.py", "--jobs", "2", "--upload-delay", "0.2"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    assert deploy.PENDING_INVALIDATION not in {item["Key"] for item in aws.s3.list_objects_v2(Bucket=aws.bucket)["Contents"]}
