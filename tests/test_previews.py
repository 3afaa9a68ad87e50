"""The preview of a pull request (README.md, "Deploy" > "Previews"), deployed for real to
moto_server as CI deploys it (.github/workflows/preview.yml): a preview build, which shows its
drafts and embargoed items and says noindex on every page, goes under previews/pr-7/ of the site's
folder and nowhere else, with a robots.txt of its own; a live deploy afterwards neither deletes nor
changes anything of it; its removal deletes exactly previews/pr-7/. deploy.py refuses a preview
folder outside previews/, a live deploy of a preview build and a preview deploy of a live build.

moto_server is started for this module on a free 127.0.0.1 port, as in tests/test_deploy.py.
"""

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import deploy
from conftest import ROOT, article, create_distribution, run_pelican

LIVE = "https://iwelcome.example"
PREVIEW = "previews/pr-7"
NOINDEX = '<meta name="robots" content="noindex">'
DRAFT = "a-draft-for-the-preview"
EMBARGOED = "an-embargoed-statement"


@pytest.fixture
def s3(endpoint, monkeypatch):
    """Fake credentials, a new empty bucket (DEPLOY_BUCKET) and the S3 client."""
    import boto3

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "SITEURL", "DEPLOY_PREFIX", "CDN_DISTRIBUTION_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    bucket = f"site-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("DEPLOY_BUCKET", bucket)
    client = boto3.client("s3")
    client.create_bucket(Bucket=bucket)
    client.bucket = bucket
    return client


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    """The site's content, with a draft and an embargoed update: what a pull request previews."""
    folder = tmp_path_factory.mktemp("previews") / "content"
    shutil.copytree(ROOT / "content", folder)
    (folder / "updates" / f"{DRAFT}.md").write_text(article(Title="A draft", Status="draft"), encoding="utf-8")
    (folder / "updates" / f"{EMBARGOED}.md").write_text(
        article(Title="Embargoed", Date="2099-01-01 09:00"), encoding="utf-8"
    )
    return folder


def build(content, output, siteurl, *extra):
    """publishconf.py's build, its search index included, for `siteurl`, as CI builds it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", siteurl)
        made = run_pelican(content, output, settings="publishconf.py", extra=extra, search=True)
    assert made.returncode == 0, made.log
    return output


@pytest.fixture(scope="module")
def live_build(content, tmp_path_factory):
    return build(content, tmp_path_factory.mktemp("previews") / "live", LIVE)


@pytest.fixture(scope="module")
def preview_build(content, tmp_path_factory):
    """What preview.yml's build job makes for pull request 7."""
    output = tmp_path_factory.mktemp("previews") / "preview"
    return build(content, output, f"{LIVE}/{PREVIEW}", "-e", "PREVIEW=true", "NOINDEX=true")


def run_deploy(output, **options):
    return deploy.deploy(output, deploy.load_settings(ROOT / "publishconf.py"), out=lambda line: None, **options)


def state(s3, prefix=""):
    """{key: (ETag, LastModified)} of every object under the prefix."""
    return {
        item["Key"]: (item["ETag"], item["LastModified"])
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    }


def body(s3, key):
    return s3.get_object(Bucket=s3.bucket, Key=key)["Body"].read()


def files_of(output):
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(Path(output).rglob("*"))
        if p.is_file() and p.name != deploy.MANIFEST
    }


def folder(prefix, path):
    return f"{prefix}/{path}" if prefix else path


@pytest.mark.parametrize("prefix", ["", "site/v1"], ids=["bucket root", "DEPLOY_PREFIX"])
def test_a_preview_stays_in_its_folder_and_a_live_deploy_never_touches_it(
    s3, live_build, preview_build, prefix, monkeypatch, tmp_path
):
    if prefix:
        monkeypatch.setenv("DEPLOY_PREFIX", prefix)
    run_deploy(live_build)
    live = state(s3)
    assert live and not any(key.startswith(folder(prefix, "previews/")) for key in live)

    # The preview: every object under previews/pr-7/ of the site's folder, nothing else changed.
    monkeypatch.setenv("SITEURL", f"{LIVE}/{PREVIEW}")
    result = run_deploy(preview_build, preview=PREVIEW)
    after = state(s3)
    ours = folder(prefix, f"{PREVIEW}/")
    assert {key: value for key, value in after.items() if not key.startswith(ours)} == live, "live objects unchanged"
    uploaded = {key.removeprefix(ours) for key in after if key.startswith(ours)}
    assert uploaded == set(files_of(preview_build)) == set(result.uploaded)
    pages = sorted(path for path in uploaded if path.endswith(".html"))
    assert len(pages) > 20
    for path in pages:
        assert NOINDEX in body(s3, ours + path).decode(), f"{path} of the preview can be indexed"
    assert body(s3, ours + "robots.txt") == b"User-agent: *\nDisallow: /\n"
    assert b"Allow: /\n" in body(s3, folder(prefix, "robots.txt")), "the live site's robots.txt is the build's"
    # The preview shows the pull request's draft and embargoed items, each with its banner; live does not.
    for slug, banner in ((DRAFT, "Draft: this is not on the public site"), (EMBARGOED, "Embargoed: this goes live")):
        assert banner in body(s3, f"{ours}updates/{slug}/index.html").decode()
        assert folder(prefix, f"updates/{slug}/index.html") not in live
    assert NOINDEX not in body(s3, folder(prefix, "index.html")).decode()
    assert f'href="{LIVE}/{PREVIEW}/' in body(s3, ours + "index.html").decode(), "links stay in the preview"
    # Deployed again unchanged, it uploads nothing.
    assert run_deploy(preview_build, preview=PREVIEW).uploaded == []

    # A live deploy that changes a page and deletes a whole folder: the preview is not its own.
    monkeypatch.delenv("SITEURL")
    changed = tmp_path / "live"
    shutil.copytree(live_build, changed)
    shutil.rmtree(changed / "case-studies")
    (changed / "index.html").write_bytes((changed / "index.html").read_bytes() + b"\n")
    lines = []
    result = deploy.deploy(
        changed, deploy.load_settings(ROOT / "publishconf.py"), force=True, out=lines.append
    )  # force: the deletion limits
    assert result.deleted and "index.html" in result.uploaded
    assert not any(deploy.is_preview_path(path) for path in [*result.deleted, *result.uploaded, *result.marked])
    assert "previews/" not in "\n".join(lines), "the plan names nothing of the preview"
    final = state(s3)
    assert {key: value for key, value in final.items() if key.startswith(ours)} == {
        key: value for key, value in after.items() if key.startswith(ours)
    }, "every object of the preview is there, unchanged"
    assert run_deploy(changed).plan.deletions == [], "nor does the next live deploy see the preview as its own"


def test_the_removal_deletes_exactly_the_preview(s3, live_build, preview_build, monkeypatch):
    run_deploy(live_build)
    monkeypatch.setenv("SITEURL", f"{LIVE}/{PREVIEW}")
    run_deploy(preview_build, preview=PREVIEW)
    for key in ("previews/pr-8/index.html", "previews/pr-70/index.html", "previews/pr-7.html", "previews-x/a"):
        s3.put_object(Bucket=s3.bucket, Key=key, Body=b"another preview's")
    before = state(s3)
    monkeypatch.setenv("SITEURL", LIVE)
    dry = deploy.remove_preview(PREVIEW, dry_run=True, out=lambda line: None)
    assert dry.deleted == [] and state(s3) == before
    result = deploy.remove_preview(PREVIEW, out=lambda line: None)
    after = state(s3)
    gone = {key for key in before if key.startswith(f"{PREVIEW}/")}
    assert gone and set(before) - set(after) == gone and len(result.deleted) == len(gone)
    assert after == {key: value for key, value in before.items() if key not in gone}, "nothing else changed"
    assert deploy.remove_preview(PREVIEW, out=lambda line: None).deleted == [], "removed twice: nothing left"


def test_the_removal_invalidates_the_preview_on_the_cdn(s3, live_build, preview_build, monkeypatch):
    import boto3

    cloudfront = boto3.client("cloudfront")
    distribution = create_distribution(cloudfront, s3.bucket)
    monkeypatch.setenv("CDN_DISTRIBUTION_ID", distribution)
    monkeypatch.setenv("SITEURL", f"{LIVE}/{PREVIEW}")
    deployed = run_deploy(preview_build, preview=PREVIEW)
    assert deployed.invalidated and all(path.startswith(f"/{PREVIEW}/") for path in deployed.invalidated)
    monkeypatch.setenv("SITEURL", LIVE)
    removed = deploy.remove_preview(PREVIEW, out=lambda line: None)
    assert removed.invalidated == [f"/{PREVIEW}/*"]


@pytest.mark.parametrize(
    "where",
    ["", ".", "previews", "previews/", "updates", "pr-7", "previews/../updates", "previews/pr-7/x", "x/previews/pr-7"],
)
def test_a_preview_outside_previews_is_refused(s3, live_build, preview_build, where, monkeypatch):
    run_deploy(live_build)
    before = state(s3)
    monkeypatch.setenv("SITEURL", f"{LIVE}/{PREVIEW}")
    with pytest.raises(deploy.DeployError, match="a preview goes in a folder of its own in previews/"):
        run_deploy(preview_build, preview=where)
    with pytest.raises(deploy.DeployError, match="a preview goes in a folder of its own in previews/"):
        deploy.remove_preview(where, out=lambda line: None)
    assert state(s3) == before


def test_a_preview_build_is_only_deployed_as_a_preview_and_a_live_build_never_as_one(
    s3, live_build, preview_build, monkeypatch, tmp_path
):
    with pytest.raises(deploy.DeployError, match=r"say noindex .*a preview build"):
        run_deploy(preview_build)
    monkeypatch.setenv("SITEURL", f"{LIVE}/{PREVIEW}")
    with pytest.raises(deploy.DeployError, match="do not say noindex"):
        run_deploy(live_build, preview=PREVIEW)
    monkeypatch.delenv("SITEURL")
    with pytest.raises(deploy.DeployError, match="not for a preview in previews/pr-8/"):
        run_deploy(preview_build, preview="previews/pr-8")
    inside = tmp_path / "live"
    shutil.copytree(live_build, inside)
    (inside / "previews").mkdir()
    (inside / "previews" / "index.html").write_text("<!doctype html>")
    with pytest.raises(deploy.DeployError, match="files in previews/"):
        run_deploy(inside)
    assert "Contents" not in s3.list_objects_v2(Bucket=s3.bucket), "nothing was uploaded"


def test_the_command_line(s3, preview_build, monkeypatch):
    """As preview.yml runs it: deploy.py OUTPUT --preview previews/pr-7, then --remove-preview."""
    monkeypatch.setenv("SITEURL", f"{LIVE}/{PREVIEW}")

    def command(*arguments):
        return subprocess.run(
            [sys.executable, "deploy.py", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    refused = command("--remove-preview", "updates")
    assert refused.returncode == 1 and refused.stderr.startswith("Deploy refused: a preview goes in a folder")
    assert command(str(preview_build), "--remove-preview", PREVIEW).returncode == 2, "one or the other"
    deployed = command(str(preview_build), "--settings", "publishconf.py", "--preview", PREVIEW)
    assert deployed.returncode == 0, deployed.stderr
    assert f"to s3://{s3.bucket}/{PREVIEW}/" in deployed.stdout
    monkeypatch.setenv("SITEURL", LIVE)
    removed = command("--remove-preview", PREVIEW)
    assert removed.returncode == 0, removed.stderr
    assert "Removed the preview" in removed.stdout and "Contents" not in s3.list_objects_v2(Bucket=s3.bucket)
