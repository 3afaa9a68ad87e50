"""Deploy the production build to an S3-compatible bucket behind a CDN: incremental, ordered, safe.

    python deploy.py OUTPUT [--settings publishconf.py] [--dry-run] [--force] [--reupload]

`python3 tasks.py deploy` runs it on output/ with publishconf.py; README.md ("Deploy") is the
user's guide. Where to deploy comes from the environment: DEPLOY_BUCKET, DEPLOY_PREFIX (optional),
CDN_DISTRIBUTION_ID (optional, CloudFront), and boto3's own variables (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL for any S3-compatible store). How to
deploy comes from the settings file: DEPLOY_HEADERS, DEPLOY_MAX_DELETES, DEPLOY_MAX_DELETE_SHARE,
DEPLOY_KEEP_SUPERSEDED, DEPLOY_INVALIDATION_MAX.

What it does, in order:

1. Refuses a build that is not a finished production build: no build manifest (the plugin writes
   it at the end of a Pelican build without errors, and the search step adds to it), no SITEURL,
   another SITEURL than the environment's, drafts in the output, or a file to be cached for a year
   whose name carries no content hash.
2. Compares the build with the bucket by content: the MD5 of each file with the object's ETag
   (the MD5 of a single-part upload) or, where they differ, with the MD5 the deploy stored in the
   object's metadata (stores and encryption modes whose ETag is not the MD5). Never by time: an
   unchanged rebuild uploads nothing.
3. Refuses (unless --force) to delete more than DEPLOY_MAX_DELETES objects, or more than
   DEPLOY_MAX_DELETE_SHARE of the site's objects: an empty or broken build never wipes the site.
   Superseded fingerprinted files do not count: a new version of the same file replaced them.
4. Uploads in three groups, each finished before the next starts: files (images, downloads,
   Pagefind's chunks), then stylesheets and scripts, then pages, feeds and JSON. A page that is
   live never names a file that is not there yet.
5. Deletes what the build no longer has. A fingerprinted file (Cache-Control immutable) is first
   marked as superseded (copied onto itself with the time in its metadata) and deleted by the first
   deploy DEPLOY_KEEP_SUPERSEDED seconds later: pages still cached by browsers, or at the CDN until
   the invalidation is done, keep their styles, images and search chunks.
6. Invalidates on the CDN the paths of the changed and deleted pages and files (`/dir/` for
   `dir/index.html`), or `/*` past DEPLOY_INVALIDATION_MAX. The paths are first written to a small
   object in the bucket (PENDING_INVALIDATION), removed once the invalidation is made: a deploy that
   is killed half way leaves them there, and the next run invalidates them too.

A killed deploy leaves the bucket with some files of the new build and all of the old one (deletions
come last); the next run uploads the rest and converges to the build.
"""

import argparse
import base64
import hashlib
import json
import mimetypes
import os
import re
import runpy
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

MANIFEST = ".build-manifest.json"  # written by the plugin (plugins/iwelcome/build_manifest.py)
PENDING_INVALIDATION = ".deploy-pending-invalidation.json"  # in the bucket, under the prefix
SUPERSEDED = "superseded"  # metadata of a fingerprinted object the build no longer has: since when
FINGERPRINT = re.compile(r"[._][0-9a-f]{7,}\.[^/]+$")  # site.0123456789.css, en_67bbdb2.pf_filter

DEFAULTS = {
    "DEPLOY_HEADERS": [("**", {"Cache-Control": "public, max-age=300"})],
    "DEPLOY_MAX_DELETES": 200,
    "DEPLOY_MAX_DELETE_SHARE": 0.25,
    "DEPLOY_KEEP_SUPERSEDED": 86400,
    "DEPLOY_INVALIDATION_MAX": 100,
}
HEADER_PARAMETERS = {  # header in DEPLOY_HEADERS -> boto3's put_object parameter
    "Cache-Control": "CacheControl",
    "Content-Type": "ContentType",
    "Content-Disposition": "ContentDisposition",
    "Content-Language": "ContentLanguage",
}
CONTENT_TYPES = {  # by the end of the file name; the longest match wins
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".atom.xml": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".pagefind": "application/octet-stream",  # wasm.<lang>.pagefind: gzipped WebAssembly, which pagefind.js unzips
    ".pf_fragment": "application/octet-stream",  # Pagefind's gzipped chunks, which pagefind.js unzips
    ".pf_index": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
}
GROUPS = ("files", "stylesheets and scripts", "pages, feeds and JSON")
PAGE_SUFFIXES = (".html", ".xml", ".json", ".txt")
SCRIPT_SUFFIXES = (".css", ".js", ".mjs")


class DeployError(Exception):
    """The deploy was refused before it changed anything; the message says why and what to do."""


# --- Settings and target ---------------------------------------------------------------------

def load_settings(path):
    """The DEPLOY_* settings of a Pelican settings file (publishconf.py), with the defaults."""
    path = Path(path).resolve()
    sys.path.insert(0, str(path.parent))  # publishconf.py imports pelicanconf.py
    try:
        values = runpy.run_path(str(path))
    finally:
        sys.path.remove(str(path.parent))
    settings = {name: values.get(name, default) for name, default in DEFAULTS.items()}
    for _pattern, headers in settings["DEPLOY_HEADERS"]:
        unknown = set(headers) - set(HEADER_PARAMETERS)
        if unknown:
            raise DeployError(f"DEPLOY_HEADERS: {', '.join(sorted(unknown))} is not one of {', '.join(HEADER_PARAMETERS)}")
    return settings


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str = ""  # "" or "some/folder", no slashes at the ends
    distribution_id: str | None = None

    @classmethod
    def from_env(cls, environ):
        bucket = environ.get("DEPLOY_BUCKET", "").strip()
        if not bucket:
            raise DeployError("DEPLOY_BUCKET is not set: say which bucket to deploy to (README.md, \"Deploy\")")
        return cls(bucket, environ.get("DEPLOY_PREFIX", "").strip().strip("/"),
                   environ.get("CDN_DISTRIBUTION_ID", "").strip() or None)

    def key(self, path):
        return f"{self.prefix}/{path}" if self.prefix else path

    def path(self, key):
        return key[len(self.prefix) + 1:] if self.prefix else key

    @property
    def list_prefix(self):
        return f"{self.prefix}/" if self.prefix else ""

    def __str__(self):
        return f"s3://{self.bucket}/{self.list_prefix}"


# --- The build ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LocalFile:
    path: str  # relative to the output folder, with /
    full: Path
    size: int
    md5: str
    headers: dict  # boto3 parameters: CacheControl, ContentType, ...

    @property
    def immutable(self):
        return is_immutable(self.headers)


def glob_regex(pattern):
    """A DEPLOY_HEADERS pattern as a regex: `**` any characters, `*` and `?` within a folder."""
    parts = re.split(r"(\*\*|\*|\?)", pattern)
    wild = {"**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wild.get(part, re.escape(part)) for part in parts) + r"\Z")


def content_type(path):
    name = path.rsplit("/", 1)[-1]
    for suffix in sorted(CONTENT_TYPES, key=len, reverse=True):
        if name.endswith(suffix):
            return CONTENT_TYPES[suffix]
    # Python's own table, not the machine's (/etc/mime.types): the same type everywhere.
    guessed = mimetypes.MimeTypes().guess_type(name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def headers_for(path, rules):
    """boto3 parameters for a file: the first DEPLOY_HEADERS rule that matches, and its Content-Type."""
    headers = {"ContentType": content_type(path)}
    for pattern, values in rules:
        if glob_regex(pattern).match(path):
            headers.update({HEADER_PARAMETERS[name]: value for name, value in values.items()})
            break
    return headers


def is_immutable(headers):
    return "immutable" in headers.get("CacheControl", "")


def upload_group(path):
    """0 files, 1 stylesheets and scripts, 2 pages, feeds and JSON (see GROUPS)."""
    if path.endswith(PAGE_SUFFIXES):
        return 2
    return 1 if path.endswith(SCRIPT_SUFFIXES) else 0


def local_files(output, rules):
    """{path: LocalFile} of every file of the build but the manifest."""
    output = Path(output)
    files = {}
    for full in sorted(output.rglob("*")):
        path = full.relative_to(output).as_posix()
        if not full.is_file() or path == MANIFEST:
            continue
        data = full.read_bytes()
        files[path] = LocalFile(path, full, len(data), hashlib.md5(data).hexdigest(), headers_for(path, rules))
    return files


def check_build(output, files, environ):
    """Problems that make a build unfit to deploy (an empty list when it is fit)."""
    output = Path(output)
    if not output.is_dir():
        return [f"{output}/ does not exist: build the site with `python3 tasks.py publish` first"]
    try:
        manifest = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [f"{output}/ is not a finished production build (it has no {MANIFEST}): run "
                "`python3 tasks.py publish`, and fix any problem it reports"]
    problems = []
    siteurl = manifest.get("siteurl", "")
    if urlsplit(siteurl).scheme not in ("http", "https"):
        problems.append(f"the build has no absolute SITEURL ({siteurl!r}): build it with publishconf.py")
    wanted = environ.get("SITEURL", "").strip()
    if wanted and wanted.rstrip("/") != siteurl.rstrip("/"):
        problems.append(f"the build is for {siteurl}, the environment's SITEURL is {wanted}: build it again")
    if "search_index" not in manifest:
        problems.append("the search index of this build is missing or incomplete: run `python3 tasks.py publish`")
    if any(path.startswith("drafts/") for path in files):
        problems.append("the build has drafts (drafts/): production builds never write them")
    unhashed = [path for path, f in files.items() if f.immutable and not FINGERPRINT.search(path)]
    if unhashed:
        problems.append(f"{len(unhashed)} files would be cached for a year but their names carry no content "
                        f"hash ({', '.join(unhashed[:3])}): check FINGERPRINT_ASSETS and DEPLOY_HEADERS")
    return problems


def site_path(siteurl):
    """The path part of SITEURL ('' or '/campaign'): where the site sits on its host."""
    return urlsplit(siteurl).path.rstrip("/")


# --- The plan -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RemoteObject:
    etag: str
    size: int
    md5: str | None = None  # from the metadata, when it was read (HEAD)
    superseded: float | None = None  # since when (epoch seconds), from the metadata


@dataclass
class Plan:
    uploads: list  # three lists of LocalFile, in GROUPS order
    deletions: list = field(default_factory=list)  # paths
    supersede: list = field(default_factory=list)  # paths of fingerprinted files to mark as superseded
    kept: list = field(default_factory=list)  # paths of superseded files still kept
    invalidations: list = field(default_factory=list)  # site paths (/updates/x/)
    unchanged: int = 0

    @property
    def upload_count(self):
        return sum(len(group) for group in self.uploads)

    @property
    def upload_bytes(self):
        return sum(f.size for group in self.uploads for f in group)


def is_same(local, remote):
    return remote is not None and local.md5 in (remote.etag, remote.md5)


def make_plan(local, remote, rules, site, now, keep_superseded, reupload=False):
    """What to do to make the bucket hold the build.

    local: {path: LocalFile}; remote: {path: RemoteObject} (the site's objects in the bucket);
    rules: DEPLOY_HEADERS; site: site_path(SITEURL); now: epoch seconds.
    """
    uploads = [[], [], []]
    unchanged = 0
    for path, f in sorted(local.items()):
        if is_same(f, remote.get(path)) and not reupload:
            unchanged += 1
        else:
            uploads[upload_group(path)].append(f)
    plan = Plan(uploads=uploads, unchanged=unchanged)
    for path in sorted(set(remote) - set(local)):
        if not is_immutable(headers_for(path, rules)) or keep_superseded <= 0:
            plan.deletions.append(path)
        elif remote[path].superseded is None:
            plan.supersede.append(path)
        elif now - remote[path].superseded >= keep_superseded:
            plan.deletions.append(path)
        else:
            plan.kept.append(path)
    changed = [f.path for group in uploads for f in group if not f.immutable]
    gone = [path for path in plan.deletions if not is_immutable(headers_for(path, rules))]
    plan.invalidations = sorted({viewer_path(path, site) for path in changed + gone})
    return plan


def viewer_path(path, site=""):
    """The URL path a reader asks for: /updates/x/ for updates/x/index.html."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return quote(f"{site}/{path}", safe="/-_.~")


def invalidation_batch(paths, limit, site=""):
    """The paths to invalidate: as they are, or everything when there are more than `limit`."""
    return [f"{site}/*"] if len(paths) > limit else sorted(paths)


def deletion_problem(plan, remote, rules, max_deletes, max_share):
    """Why the plan deletes too much, or None. Superseded fingerprinted files do not count."""
    pages = [path for path in plan.deletions if not is_immutable(headers_for(path, rules))]
    share = len(pages) / len(remote) if remote else 0
    if len(pages) > max_deletes or share > max_share:
        return (f"this deploy would delete {len(pages)} of the {len(remote)} objects of the site in the bucket "
                f"(limits: {max_deletes} objects, {max_share:.0%}; DEPLOY_MAX_DELETES and DEPLOY_MAX_DELETE_SHARE). "
                "If the build is right, deploy again with --force")
    return None


def size(count):
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000


def describe(plan, remote, pending, target, siteurl, batch, keep_superseded):
    """The plan, as the lines `--dry-run` prints (and a real deploy prints before it starts)."""
    lines = [f"Deploy {siteurl}/ to {target}: {plan.upload_count} uploads ({size(plan.upload_bytes)}), "
             f"{len(plan.deletions)} deletions, {len(plan.supersede)} to mark superseded, "
             f"{plan.unchanged} unchanged."]
    for number, (name, group) in enumerate(zip(GROUPS, plan.uploads), start=1):
        if group:
            lines.append(f"  {number}. upload {name}: {len(group)} ({size(sum(f.size for f in group))})")
            lines += [f"       {'changed' if f.path in remote else 'new':8} {f.path} ({size(f.size)}, "
                      f"{f.headers.get('CacheControl', 'no Cache-Control')})" for f in group]
    if plan.supersede:
        lines.append(f"  4. mark superseded, to be deleted by the first deploy {keep_superseded} s from now: "
                     f"{len(plan.supersede)}")
        lines += [f"       {path}" for path in plan.supersede]
    if plan.deletions:
        lines.append(f"  5. delete: {len(plan.deletions)}")
        lines += [f"       {path}" for path in plan.deletions]
    if plan.kept:
        lines.append(f"  Kept while superseded: {len(plan.kept)} fingerprinted files")
    if target.distribution_id:
        if batch:
            extra = f", {len(pending)} left by an interrupted deploy" if pending else ""
            lines.append(f"  6. invalidate on CDN {target.distribution_id}: {len(batch)} paths{extra}")
            lines += [f"       {path}" for path in batch]
        else:
            lines.append(f"  Nothing to invalidate on CDN {target.distribution_id}.")
    else:
        lines.append("  No CDN_DISTRIBUTION_ID: nothing to invalidate.")
    return lines


# --- The bucket and the CDN (boto3) ----------------------------------------------------------

class Bucket:
    """The site's objects in the bucket, through boto3 (thread-safe clients, used from a pool)."""

    def __init__(self, target, client):
        self.target, self.client = target, client

    def list(self):
        """{path: RemoteObject} of every object under the prefix but the pending invalidation."""
        found = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.target.bucket, Prefix=self.target.list_prefix)
        for page in pages:
            for item in page.get("Contents", []):
                path = self.target.path(item["Key"])
                if path != PENDING_INVALIDATION:
                    found[path] = RemoteObject(item["ETag"].strip('"'), item["Size"])
        return found

    def head(self, path):
        return self.client.head_object(Bucket=self.target.bucket, Key=self.target.key(path))

    def with_metadata(self, path, remote):
        """The RemoteObject with the MD5 and superseded time from the object's metadata."""
        meta = self.head(path).get("Metadata", {})
        since = meta.get(SUPERSEDED)
        return RemoteObject(remote.etag, remote.size, meta.get("md5"),
                            datetime.fromisoformat(since).timestamp() if since else None)

    def put(self, f, delay=0):
        if delay:
            time.sleep(delay)  # tests only: a deploy slow enough to be killed half way
        data = f.full.read_bytes()
        if hashlib.md5(data).hexdigest() != f.md5:
            raise RuntimeError(f"{f.path} changed while deploying: build again, then deploy")
        self.client.put_object(
            Bucket=self.target.bucket, Key=self.target.key(f.path), Body=data,
            ContentMD5=base64.b64encode(bytes.fromhex(f.md5)).decode(), Metadata={"md5": f.md5}, **f.headers)

    def mark_superseded(self, path, now):
        """Copy the object onto itself (no download) with the time in its metadata, headers kept."""
        head = self.head(path)
        keep = {param: head[param] for param in HEADER_PARAMETERS.values() if head.get(param)}
        since = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds")
        key = self.target.key(path)
        self.client.copy_object(
            Bucket=self.target.bucket, Key=key, CopySource={"Bucket": self.target.bucket, "Key": key},
            MetadataDirective="REPLACE", Metadata={**head.get("Metadata", {}), SUPERSEDED: since}, **keep)

    def delete(self, paths):
        for start in range(0, len(paths), 1000):
            batch = [{"Key": self.target.key(p)} for p in paths[start:start + 1000]]
            answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                raise RuntimeError(f"could not delete {answer['Errors'][0]['Key']}: {answer['Errors'][0]['Message']}")

    def pending_invalidation(self):
        try:
            body = self.client.get_object(Bucket=self.target.bucket, Key=self.target.key(PENDING_INVALIDATION))["Body"]
        except self.client.exceptions.NoSuchKey:
            return []
        return json.loads(body.read())["paths"]

    def save_pending_invalidation(self, paths):
        self.client.put_object(
            Bucket=self.target.bucket, Key=self.target.key(PENDING_INVALIDATION),
            Body=json.dumps({"paths": paths}).encode(), ContentType="application/json",
            CacheControl="no-store")

    def forget_pending_invalidation(self):
        self.client.delete_object(Bucket=self.target.bucket, Key=self.target.key(PENDING_INVALIDATION))


def clients():
    """S3 and CloudFront clients from boto3's usual environment variables. Checksums only where the
    API requires them: other S3-compatible stores do not all accept the newer ones."""
    import boto3
    from botocore.config import Config

    # CI passes a variable that is not set as an empty string; boto3 would take "" for a region.
    for name in [name for name, value in os.environ.items() if name.startswith("AWS_") and not value.strip()]:
        del os.environ[name]
    config = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required",
                    retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=32)
    return boto3.client("s3", config=config), boto3.client("cloudfront", config=config)


# --- Running it -----------------------------------------------------------------------------

@dataclass
class Result:
    plan: Plan
    uploaded: list = field(default_factory=list)  # paths, in the order they were started
    deleted: list = field(default_factory=list)
    marked: list = field(default_factory=list)
    invalidation_id: str | None = None
    invalidated: list = field(default_factory=list)  # the paths sent to the CDN
    seconds: float = 0.0


def deploy(output, settings, *, dry_run=False, force=False, reupload=False, jobs=16, upload_delay=0, out=print):
    """Deploy the build in `output` where the environment says; return a Result.

    Raises DeployError, having changed nothing, when it refuses."""
    started = time.perf_counter()
    target = Target.from_env(os.environ)
    files = local_files(output, settings["DEPLOY_HEADERS"])
    problems = check_build(output, files, os.environ)
    if problems:
        raise DeployError("the build cannot be deployed: " + "; ".join(problems))
    siteurl = json.loads((Path(output) / MANIFEST).read_text(encoding="utf-8"))["siteurl"].rstrip("/")
    site = site_path(siteurl)
    s3, cloudfront = clients()
    bucket = Bucket(target, s3)
    now = time.time()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        remote = bucket.list()
        # Read the metadata where the listing does not settle it: an ETag that is not this MD5,
        # and fingerprinted files the build no longer has (are they superseded, since when?).
        rules = settings["DEPLOY_HEADERS"]
        to_read = [p for p, f in files.items() if p in remote and not is_same(f, remote[p])]
        if settings["DEPLOY_KEEP_SUPERSEDED"] > 0:
            to_read += [p for p in remote if p not in files and is_immutable(headers_for(p, rules))]
        for path, read in zip(to_read, pool.map(lambda p: bucket.with_metadata(p, remote[p]), to_read)):
            remote[path] = read
        plan = make_plan(files, remote, rules, site, now, settings["DEPLOY_KEEP_SUPERSEDED"], reupload)
        pending = bucket.pending_invalidation() if target.distribution_id else []
        paths = sorted(set(plan.invalidations) | set(pending))
        batch = invalidation_batch(paths, settings["DEPLOY_INVALIDATION_MAX"], site)
        for line in describe(plan, remote, pending, target, siteurl, batch if paths else [],
                             settings["DEPLOY_KEEP_SUPERSEDED"]):
            out(line)
        problem = deletion_problem(plan, remote, rules, settings["DEPLOY_MAX_DELETES"],
                                   settings["DEPLOY_MAX_DELETE_SHARE"])
        if problem and not force:
            raise DeployError(problem)
        if problem:
            out(f"  --force: {problem.split('. If')[0]}; going ahead.")
        result = Result(plan)
        if dry_run:
            out("Dry run: nothing was changed.")
            return result
        if target.distribution_id and paths and paths != pending:
            bucket.save_pending_invalidation(paths)
        for group in plan.uploads:
            list(pool.map(lambda f: bucket.put(f, upload_delay), group))  # the whole group, then the next
            result.uploaded += [f.path for f in group]
        list(pool.map(lambda p: bucket.mark_superseded(p, now), plan.supersede))
        result.marked = list(plan.supersede)
        bucket.delete(plan.deletions)
        result.deleted = list(plan.deletions)
    if target.distribution_id and paths:
        answer = cloudfront.create_invalidation(
            DistributionId=target.distribution_id,
            InvalidationBatch={"Paths": {"Quantity": len(batch), "Items": batch},
                               "CallerReference": f"deploy-{time.time_ns()}"})
        result.invalidation_id, result.invalidated = answer["Invalidation"]["Id"], batch
        bucket.forget_pending_invalidation()
    result.seconds = time.perf_counter() - started
    invalidated = f", invalidation {result.invalidation_id} ({len(batch)} paths)" if result.invalidation_id else ""
    out(f"Deployed in {result.seconds:.2f} s: {len(result.uploaded)} uploaded ({size(plan.upload_bytes)}), "
        f"{len(result.deleted)} deleted, {len(result.marked)} marked superseded{invalidated}.")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="the production build (output/)")
    parser.add_argument("--settings", default="publishconf.py", help="the settings file with the DEPLOY_* settings")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    parser.add_argument("--force", action="store_true", help="delete even past DEPLOY_MAX_DELETES / _SHARE")
    parser.add_argument("--reupload", action="store_true", help="upload every file, changed or not "
                        "(after a change to DEPLOY_HEADERS)")
    parser.add_argument("--jobs", type=int, default=16, help="uploads at a time")
    parser.add_argument("--upload-delay", type=float, default=0, help=argparse.SUPPRESS)  # tests only
    args = parser.parse_args(argv)
    try:
        deploy(args.output, load_settings(args.settings), dry_run=args.dry_run, force=args.force,
               reupload=args.reupload, jobs=args.jobs, upload_delay=args.upload_delay,
               out=lambda line: print(line, flush=True))
    except DeployError as error:
        print(f"Deploy refused: {error}.", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
