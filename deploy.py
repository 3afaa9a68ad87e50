"""Deploy the production build to an S3-compatible bucket behind a CDN: incremental, ordered, safe.

    python deploy.py OUTPUT [--settings publishconf.py] [--dry-run] [--force] [--reupload]
    python deploy.py OUTPUT --preview previews/pr-7 [--settings publishconf.py] [--dry-run]
    python deploy.py --remove-preview previews/pr-7 [--dry-run]

`python3 tasks.py deploy` runs it on output/ with publishconf.py; README.md ("Deploy") is the
user's guide. Where to deploy comes from the environment: DEPLOY_BUCKET, DEPLOY_PREFIX (optional),
CDN_DISTRIBUTION_ID (optional, CloudFront), and boto3's own variables (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL for any S3-compatible store,
AWS_MAX_ATTEMPTS); DEPLOY_TIMEOUT says how long to wait for an answer; DEPLOY_BUILT_AT and
DEPLOY_COMMIT (CI) say when the build started and of which commit, for the record a live deploy
leaves (STATE). How to deploy comes from the settings file: DEPLOY_HEADERS, DEPLOY_MAX_DELETES,
DEPLOY_MAX_DELETE_SHARE, DEPLOY_KEEP_SUPERSEDED, DEPLOY_INVALIDATION_MAX.

The site's folder (DEPLOY_PREFIX) holds the live site and, in its folder previews/, the preview of
each pull request (previews/pr-7/: README.md, "Deploy" > "Previews"). A live deploy never lists,
uploads, changes or deletes anything under previews/; a preview deploy (--preview) works only in
its own folder there, and --remove-preview deletes that folder and nothing else. A preview build
(NOINDEX) is only ever deployed as a preview, and a preview only from such a build.

What it does, in order:

1. Refuses a build that is not a finished production build: no build manifest (the plugin writes
   it at the end of a Pelican build without errors, and the search step adds to it), no SITEURL,
   another SITEURL than the environment's, drafts in the output, or a file to be cached for a year
   whose name carries no content hash; a live deploy refuses files under previews/ and pages that
   say noindex, a preview deploy pages that do not and a SITEURL that does not end in its folder.
   Then a preflight, which changes nothing (and runs in --dry-run too): boto3 finds credentials,
   the store accepts them, the bucket exists and they may list it, and the CDN distribution, if
   one is set, exists and they may read it.
2. Compares the build with the bucket by content: the MD5 of each file with the object's ETag
   (the MD5 of a single-part upload) or, where they differ, with the MD5 the deploy stored in the
   object's metadata (stores and encryption modes whose ETag is not the MD5). Never by time: an
   unchanged rebuild uploads nothing.
3. Refuses (unless --force) to delete more than DEPLOY_MAX_DELETES objects, or more than
   DEPLOY_MAX_DELETE_SHARE of the site's objects: an empty or broken build never wipes the site.
   Superseded fingerprinted files do not count: a new version of the same file replaced them.
   (Not for a preview, which holds nothing that a new build of it cannot give back.)
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
7. A live deploy then records itself in the bucket (STATE: when its build started, of which commit),
   which the hourly rebuild reads through the site to know whether anything has fallen due since.

A killed deploy leaves the bucket with some files of the new build and all of the old one (deletions
come last); the next run uploads the rest and converges to the build.

No failure of boto3 or of the store ends in a traceback: failure_message() turns each into one line
that says what is wrong and what to do, and failure_line() adds how far the deploy got. Neither
ever shows a credential.
"""

import argparse
import base64
import hashlib
import importlib.util
import json
import mimetypes
import os
import re
import runpy
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit


def _build_manifest():
    """The plugin's build_manifest module, loaded from its file: the deploy needs its names, not
    Pelican, which the plugin's package would import."""
    path = Path(__file__).resolve().parent / "plugins" / "iwelcome" / "build_manifest.py"
    spec = importlib.util.spec_from_file_location("iwelcome_build_manifest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_manifest = _build_manifest()
MANIFEST = build_manifest.NAME  # written by the plugin at the end of a production build
PENDING_INVALIDATION = ".deploy-pending-invalidation.json"  # in the bucket, under the prefix
SUPERSEDED = "superseded"  # metadata of a fingerprinted object the build no longer has: since when
# The last live deploy: {"built_at", "commit", "deployed_at"}, under the prefix, served with the site
# (SITEURL/.deploy-state.json) for the hourly rebuild (.github/scripts/rebuild_due.py), never cached.
STATE = ".deploy-state.json"
PREVIEWS = "previews"  # the folder of the site's folder that holds the previews, one folder each
PREVIEW_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # pr-7
PREVIEW_ROBOTS = b"User-agent: *\nDisallow: /\n"  # a preview's own robots.txt, in place of the build's
NOINDEX = re.compile(rb"<meta\s+name=[\"']?robots[\"']?\s+content=[\"']?noindex\b", re.IGNORECASE)
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


class DeployFailed(DeployError):
    """boto3, the store or the CDN failed, or the deploy was interrupted: the message is the whole
    line to show (failure_line), which says what failed, how far the deploy got and what to do."""

    def __init__(self, line, interrupted=False):
        super().__init__(line)
        self.interrupted = interrupted


class BuildChanged(Exception):
    """A file of the build changed between planning and uploading."""

    def __init__(self, path):
        super().__init__(path)
        self.path = path


class StepFailed(Exception):
    """One step on one file (reading, uploading, marking or deleting it) failed: which, and why."""

    def __init__(self, path, error):
        super().__init__(path, error)
        self.path, self.error = path, error


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
            raise DeployError(
                f"DEPLOY_HEADERS: {', '.join(sorted(unknown))} is not one of {', '.join(HEADER_PARAMETERS)}"
            )
    return settings


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str = ""  # the site's folder: "" or "some/folder", no slashes at the ends
    distribution_id: str | None = None
    preview: str | None = None  # a preview's folder in the site's folder ("previews/pr-7"); None: the live site

    @classmethod
    def from_env(cls, environ, preview=None):
        bucket = environ.get("DEPLOY_BUCKET", "").strip()
        if not bucket:
            raise DeployError('DEPLOY_BUCKET is not set: say which bucket to deploy to (README.md, "Deploy")')
        if preview is not None:
            problem = preview_problem(preview)
            if problem:
                raise DeployError(problem)
            preview = preview.strip("/")
        return cls(
            bucket,
            environ.get("DEPLOY_PREFIX", "").strip().strip("/"),
            environ.get("CDN_DISTRIBUTION_ID", "").strip() or None,
            preview,
        )

    @property
    def folder(self):
        """Where this deploy's objects are: the site's folder, or the preview's folder in it."""
        return "/".join(part for part in (self.prefix, self.preview) if part)

    def key(self, path):
        return f"{self.folder}/{path}" if self.folder else path

    def path(self, key):
        return key[len(self.folder) + 1 :] if self.folder else key

    @property
    def list_prefix(self):
        return f"{self.folder}/" if self.folder else ""

    def owns(self, path):
        """Whether an object (its path under list_prefix) is this deploy's: not the deploy's own
        records, and for the live site nothing under previews/, which belongs to the previews."""
        if path in (PENDING_INVALIDATION, STATE):
            return False
        return self.preview is not None or not is_preview_path(path)

    def __str__(self):
        return f"s3://{self.bucket}/{self.list_prefix}"


def is_preview_path(path):
    """Whether a path of the site's folder is in previews/, where the live site has nothing."""
    return path == PREVIEWS or path.startswith(f"{PREVIEWS}/")


def preview_problem(preview):
    """Why `preview` cannot be a preview's folder (None when it can): it must be previews/NAME, one
    folder in previews/, so that a preview deploy or removal never reaches the live site's objects."""
    parts = str(preview).strip().strip("/").split("/")
    if len(parts) == 2 and parts[0] == PREVIEWS and PREVIEW_NAME.fullmatch(parts[1]):
        return None
    return (
        f"a preview goes in a folder of its own in {PREVIEWS}/, such as {PREVIEWS}/pr-7, not {str(preview)!r}: "
        "nothing else in the bucket is a preview's to change"
    )


@dataclass(frozen=True)
class Network:
    """How long to wait for the store and the CDN, and how often to try a request."""

    connect_timeout: float = 10.0  # seconds to open a connection
    read_timeout: float = 60.0  # seconds to wait for (each part of) an answer
    attempts: int = 5  # tries of each request in all; throttling and 5xx answers are tried again

    @classmethod
    def from_env(cls, environ):
        """DEPLOY_TIMEOUT (the read timeout, in seconds; the connect timeout is the smaller of it
        and 10) and AWS_MAX_ATTEMPTS (boto3's own variable)."""
        text = environ.get("DEPLOY_TIMEOUT", "").strip()
        try:
            timeout = float(text) if text else cls.read_timeout
        except ValueError:
            timeout = -1
        if not 0 < timeout < float("inf"):
            raise DeployError(
                f"DEPLOY_TIMEOUT is {text!r}: set it to a number of seconds, such as 60, or unset it "
                '(README.md, "Deploy")'
            )
        text = environ.get("AWS_MAX_ATTEMPTS", "").strip()
        attempts = int(text) if text.isdigit() else (cls.attempts if not text else 0)
        if attempts < 1:
            raise DeployError(
                f"AWS_MAX_ATTEMPTS is {text!r}: set it to a whole number of tries, such as 5, or unset "
                'it (README.md, "Deploy")'
            )
        return cls(min(cls.connect_timeout, timeout), timeout, attempts)


# --- The build ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalFile:
    path: str  # relative to the output folder, with /
    full: Path
    size: int
    md5: str
    headers: dict  # boto3 parameters: CacheControl, ContentType, ...
    data: bytes | None = None  # the bytes to upload in place of the file's (a preview's robots.txt)

    @property
    def immutable(self):
        return is_immutable(self.headers)

    def read(self):
        return self.data if self.data is not None else self.full.read_bytes()


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


def in_memory(path, data, rules):
    """A LocalFile whose bytes are `data`, not a file of the build."""
    return LocalFile(path, Path(path), len(data), hashlib.md5(data).hexdigest(), headers_for(path, rules), data)


def noindex_pages(files):
    """The paths of the HTML pages that tell search engines not to index them (a preview build)."""
    found = []
    for path, f in files.items():
        if path.endswith(".html"):
            head = f.read().split(b"</head>", 1)[0]
            if NOINDEX.search(head):
                found.append(path)
    return found


def check_build(output, files, environ, preview=None):
    """Problems that make a build unfit to deploy (an empty list when it is fit), live or, with
    `preview` (its folder, previews/pr-7), as a preview."""
    output = Path(output)
    if not output.is_dir():
        return [f"{output}/ does not exist: build the site with `python3 tasks.py publish` first"]
    manifest = build_manifest.read(output)
    if manifest is None:
        return [
            f"{output}/ is not a finished production build (it has no {MANIFEST}): run "
            "`python3 tasks.py publish`, and fix any problem it reports"
        ]
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
        problems.append(
            f"{len(unhashed)} files would be cached for a year but their names carry no content "
            f"hash ({', '.join(unhashed[:3])}): check FINGERPRINT_ASSETS and DEPLOY_HEADERS"
        )
    pages = [path for path in files if path.endswith(".html")]
    noindex = noindex_pages(files)
    if preview is None:
        inside = [path for path in files if is_preview_path(path)]
        if inside:
            problems.append(
                f"the build has files in {PREVIEWS}/ ({', '.join(inside[:3])}), the folder of the previews: "
                "give them another address"
            )
        if noindex:
            problems.append(
                f"{len(noindex)} of its {len(pages)} pages say noindex ({noindex[0]}): this is a preview build "
                "(NOINDEX), which only ever goes to previews/; build the live site with `python3 tasks.py publish`"
            )
    else:
        indexed = sorted(set(pages) - set(noindex))
        if indexed:
            problems.append(
                f"{len(indexed)} of its {len(pages)} pages do not say noindex ({indexed[0]}): build a preview "
                'with -e PREVIEW=true NOINDEX=true (README.md, "Deploy" > "Previews")'
            )
        if siteurl and not site_path(siteurl).endswith(f"/{preview.strip('/')}"):
            problems.append(
                f"the build is for {siteurl}, not for a preview in {preview.strip('/')}/: build it with "
                f"SITEURL set to the site's address followed by /{preview.strip('/')}"
            )
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
        return (
            f"this deploy would delete {len(pages)} of the {len(remote)} objects of the site in the bucket "
            f"(limits: {max_deletes} objects, {max_share:.0%}; DEPLOY_MAX_DELETES and DEPLOY_MAX_DELETE_SHARE). "
            "If the build is right, deploy again with --force"
        )
    return None


def size(count):
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000


def describe(plan, remote, pending, target, siteurl, batch, keep_superseded):
    """The plan, as the lines `--dry-run` prints (and a real deploy prints before it starts)."""
    lines = [
        f"Deploy {siteurl}/ to {target}: {plan.upload_count} uploads ({size(plan.upload_bytes)}), "
        f"{len(plan.deletions)} deletions, {len(plan.supersede)} to mark superseded, "
        f"{plan.unchanged} unchanged."
    ]
    for number, (name, group) in enumerate(zip(GROUPS, plan.uploads, strict=True), start=1):
        if group:
            lines.append(f"  {number}. upload {name}: {len(group)} ({size(sum(f.size for f in group))})")
            lines += [
                f"       {'changed' if f.path in remote else 'new':8} {f.path} ({size(f.size)}, "
                f"{f.headers.get('CacheControl', 'no Cache-Control')})"
                for f in group
            ]
    if plan.supersede:
        lines.append(
            f"  4. mark superseded, to be deleted by the first deploy {keep_superseded} s from now: "
            f"{len(plan.supersede)}"
        )
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
        """{path: RemoteObject} of every object the deploy owns under the prefix (Target.owns): not
        its records and, for the live site, nothing under previews/."""
        found = {}
        for item in self.objects():
            path = self.target.path(item["Key"])
            if self.target.owns(path):
                found[path] = RemoteObject(item["ETag"].strip('"'), item["Size"])
        return found

    def objects(self):
        """Every object under the prefix, as the listing gives it."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.target.bucket, Prefix=self.target.list_prefix
        )
        for page in pages:
            yield from page.get("Contents", [])

    def head(self, path):
        return self.client.head_object(Bucket=self.target.bucket, Key=self.target.key(path))

    def with_metadata(self, path, remote):
        """The RemoteObject with the MD5 and superseded time from the object's metadata."""
        meta = self.head(path).get("Metadata", {})
        since = meta.get(SUPERSEDED)
        return RemoteObject(
            remote.etag, remote.size, meta.get("md5"), datetime.fromisoformat(since).timestamp() if since else None
        )

    def put(self, f, delay=0):
        if delay:
            time.sleep(delay)  # tests only: a deploy slow enough to be killed half way
        data = f.read()
        if hashlib.md5(data).hexdigest() != f.md5:
            raise BuildChanged(f.path)
        self.client.put_object(
            Bucket=self.target.bucket,
            Key=self.target.key(f.path),
            Body=data,
            ContentMD5=base64.b64encode(bytes.fromhex(f.md5)).decode(),
            Metadata={"md5": f.md5},
            **f.headers,
        )

    def mark_superseded(self, path, now):
        """Copy the object onto itself (no download) with the time in its metadata, headers kept."""
        head = self.head(path)
        keep = {param: head[param] for param in HEADER_PARAMETERS.values() if head.get(param)}
        since = datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")
        key = self.target.key(path)
        self.client.copy_object(
            Bucket=self.target.bucket,
            Key=key,
            CopySource={"Bucket": self.target.bucket, "Key": key},
            MetadataDirective="REPLACE",
            Metadata={**head.get("Metadata", {}), SUPERSEDED: since},
            **keep,
        )

    def delete(self, paths, done):
        """Delete the objects, 1000 a request, adding each deleted path to `done`. Raises StepFailed
        for the first object (or request) that fails."""
        from botocore.exceptions import ClientError

        for start in range(0, len(paths), 1000):
            chunk = paths[start : start + 1000]
            batch = [{"Key": self.target.key(p)} for p in chunk]
            try:
                answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={"Objects": batch, "Quiet": True})
            except Exception as error:
                raise StepFailed(chunk[0] + (f" and {len(chunk) - 1} more" if len(chunk) > 1 else ""), error) from error
            errors = answer.get("Errors") or []
            failed = {error["Key"] for error in errors}
            done += [path for path in chunk if self.target.key(path) not in failed]
            if errors:  # each object has its own answer: AccessDenied, ...
                first = errors[0]
                error = ClientError(
                    {"Error": {"Code": first.get("Code", ""), "Message": first.get("Message", "")}}, "DeleteObjects"
                )
                raise StepFailed(self.target.path(first["Key"]), error)

    def pending_invalidation(self):
        try:
            body = self.client.get_object(Bucket=self.target.bucket, Key=self.target.key(PENDING_INVALIDATION))["Body"]
        except self.client.exceptions.NoSuchKey:
            return []
        return json.loads(body.read())["paths"]

    def save_pending_invalidation(self, paths):
        self.client.put_object(
            Bucket=self.target.bucket,
            Key=self.target.key(PENDING_INVALIDATION),
            Body=json.dumps({"paths": paths}).encode(),
            ContentType="application/json",
            CacheControl="no-store",
        )

    def forget_pending_invalidation(self):
        self.client.delete_object(Bucket=self.target.bucket, Key=self.target.key(PENDING_INVALIDATION))

    def record(self, state):
        """STATE: the last live deploy, served with the site and never cached."""
        self.client.put_object(
            Bucket=self.target.bucket,
            Key=self.target.key(STATE),
            Body=json.dumps(state, sort_keys=True).encode(),
            ContentType="application/json; charset=utf-8",
            CacheControl="no-store",
        )


def clients(network=Network()):
    """A boto3 session, and S3 and CloudFront clients, from boto3's usual environment variables, with
    the timeouts and attempts of `network` (standard retries: throttling, 5xx answers, timeouts and
    lost connections are tried again, with backoff). Checksums only where the API requires them:
    other S3-compatible stores do not all accept the newer ones."""
    import boto3
    from botocore.config import Config

    # CI passes a variable that is not set as an empty string; boto3 would take "" for a region.
    for name in [name for name, value in os.environ.items() if name.startswith("AWS_") and not value.strip()]:
        del os.environ[name]
    config = Config(
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        connect_timeout=network.connect_timeout,
        read_timeout=network.read_timeout,
        retries={"total_max_attempts": network.attempts, "mode": "standard"},
        max_pool_connections=32,
    )
    session = boto3.session.Session()
    try:
        return session, session.client("s3", config=config), session.client("cloudfront", config=config)
    except ValueError as error:  # botocore: "Invalid endpoint: ..."
        raise DeployError(
            f"boto3 cannot use the endpoint ({scrub(error)}): AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3) "
            f'must be a URL such as https://host (README.md, "Deploy")'
        ) from error


def preflight(target, session, s3, cloudfront):
    """Check what the deploy needs before it changes anything: credentials that boto3 finds, that the
    store accepts, a bucket that exists and that they may list and, when CDN_DISTRIBUTION_ID is set,
    a distribution that exists and that they may read. Raises the error of the first check that
    fails (failure_message says it in one line)."""
    from botocore.exceptions import NoCredentialsError

    if session.get_credentials() is None:
        raise NoCredentialsError()
    s3.list_objects_v2(Bucket=target.bucket, Prefix=target.list_prefix, MaxKeys=1)
    if target.distribution_id:
        cloudfront.get_distribution(Id=target.distribution_id)


# --- When something fails --------------------------------------------------------------------

README_DEPLOY = 'README.md, "Deploy"'
README_PERMISSIONS = 'README.md, "Deploy" > "The CDN"'  # the permissions the deploy's identity needs
README_SECRETS = 'README.md, "Deploy" > "CI"'  # the secrets and variables CI passes
CLOUDFRONT_OPERATIONS = {"GetDistribution", "CreateInvalidation"}
OPERATIONS = {  # boto3 operation -> (what it does to the bucket or distribution, the permission it needs)
    "ListObjectsV2": ("list", "s3:ListBucket"),
    "HeadBucket": ("list", "s3:ListBucket"),
    "HeadObject": ("read the objects of", "s3:GetObject"),
    "GetObject": ("read the objects of", "s3:GetObject"),
    "PutObject": ("write to", "s3:PutObject"),
    "CopyObject": ("copy objects in", "s3:GetObject and s3:PutObject"),
    "DeleteObject": ("delete from", "s3:DeleteObject"),
    "DeleteObjects": ("delete from", "s3:DeleteObject"),
    "GetDistribution": ("read", "cloudfront:GetDistribution"),
    "CreateInvalidation": ("invalidate paths on", "cloudfront:CreateInvalidation"),
}
UNKNOWN_KEY = {"InvalidAccessKeyId", "InvalidClientTokenId", "UnrecognizedClientException", "AuthFailure"}
BAD_SIGNATURE = {"SignatureDoesNotMatch", "IncompleteSignature", "InvalidSignatureException"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired", "InvalidToken"}
DENIED = {"AccessDenied", "AccessDeniedException", "AllAccessDisabled", "Forbidden", "UnauthorizedOperation"}
WRONG_REGION = {
    "PermanentRedirect",
    "AuthorizationHeaderMalformed",
    "IllegalLocationConstraintException",
    "IncorrectEndpoint",
}
THROTTLED = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
    "PriorRequestNotComplete",
    "ServiceUnavailable",
}
# What looks like a credential in a message a server or botocore wrote: access key IDs, signatures,
# session tokens. (deploy never puts a credential in a message; this is for text it passes on.)
CREDENTIAL = re.compile(
    r"\b(?:AKIA|ASIA|AROA|AIDA|ANPA|AGPA)[A-Z0-9]{12,}\b"
    r"|\b((?:X-Amz-)?(?:Credential|Signature|Security-Token|SignedHeaders))=[^\s,&\"'<>]*",
    re.IGNORECASE,
)


def scrub(text, limit=240):
    """`text` on one line, at most `limit` characters, with whatever looks like a credential replaced."""
    text = CREDENTIAL.sub(
        lambda match: f"{match.group(1)}=(hidden)" if match.group(1) else "(an access key)", " ".join(str(text).split())
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def host_of(url):
    """scheme://host:port of a URL, without user, password, path or query (a presigned URL carries credentials)."""
    parts = urlsplit(url or "")
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    if not parts.hostname:
        return "the endpoint"
    return f"{parts.scheme}://{parts.hostname}{port}" if parts.scheme else f"{parts.hostname}{port}"


def failure_message(error, target, network=Network(), endpoint=""):
    """What is wrong and how to fix it, in one line, for a failure of boto3, of the store, of the CDN
    or of the build's files. Names the variable or secret to set or check and the README section;
    never shows a credential. Pure: it only reads its arguments.

    error: the exception; target: the Target; network: the Network the clients were made with;
    endpoint: the S3 endpoint URL the clients use (only its host is shown)."""
    from botocore import exceptions as boto

    if isinstance(error, StepFailed):
        error = error.error
    if isinstance(error, BuildChanged):
        return f"{error.path} changed while deploying: build again (python3 tasks.py publish), then deploy"
    if isinstance(error, boto.ClientError):
        return client_error_message(error, target, network, endpoint)
    tries = f"{network.attempts} attempts" if network.attempts != 1 else "1 attempt"
    if isinstance(error, boto.NoCredentialsError):
        return (
            "boto3 found no AWS credentials: in CI, set the variable AWS_ROLE_ARN (the OIDC role) or, as a "
            "fallback, the secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; by hand, set those two variables "
            f"({README_SECRETS})"
        )
    if isinstance(error, boto.PartialCredentialsError):
        return (
            f"the AWS credentials are incomplete ({error.kwargs.get('cred_var', 'a part')} is missing): set both "
            f"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ({README_SECRETS})"
        )
    if isinstance(error, boto.ProfileNotFound):
        return (
            f"AWS_PROFILE names the profile {error.kwargs.get('profile')!r}, which no AWS config file has: unset "
            "AWS_PROFILE, or add the profile"
        )
    if isinstance(error, (boto.CredentialRetrievalError, boto.TokenRetrievalError)):
        return (
            f"boto3 could not get credentials from {error.kwargs.get('provider', 'its provider')} "
            f"({scrub(error.kwargs.get('error_msg', ''), 160)}): check the credentials the deploy is given "
            f"({README_SECRETS})"
        )
    if isinstance(error, boto.NoRegionError):
        return f"boto3 has no AWS region: set AWS_DEFAULT_REGION to the bucket's region ({README_DEPLOY})"
    if isinstance(error, boto.ParamValidationError):
        report = scrub(error.kwargs.get("report", error), 200)
        if "bucket name" in report.lower():
            return f"DEPLOY_BUCKET is not a valid bucket name ({report}): check DEPLOY_BUCKET ({README_DEPLOY})"
        return (
            f"boto3 refused a request before sending it ({report}): check DEPLOY_BUCKET, DEPLOY_PREFIX and "
            f"CDN_DISTRIBUTION_ID ({README_DEPLOY})"
        )
    if isinstance(error, boto.BotoCoreError):
        host = host_of(error.kwargs.get("endpoint_url") or endpoint)
        if isinstance(error, boto.ConnectTimeoutError):
            return (
                f"no connection to {host} within {network.connect_timeout:g} s ({tries}): check AWS_ENDPOINT_URL "
                "and the network, or raise DEPLOY_TIMEOUT (seconds)"
            )
        if isinstance(error, boto.ProxyConnectionError):
            return (
                f"cannot connect to the proxy {host_of(error.kwargs.get('proxy_url'))} ({tries}): check "
                "HTTPS_PROXY and HTTP_PROXY, and the network"
            )
        if isinstance(error, boto.SSLError):
            return (
                f"the TLS connection to {host} failed ({scrub(error.kwargs.get('error', ''), 160)}): check "
                "AWS_ENDPOINT_URL and the endpoint's certificate (AWS_CA_BUNDLE)"
            )
        if isinstance(error, boto.ConnectionError):  # EndpointConnectionError and the like
            return (
                f"cannot connect to {host} ({tries}): check that the store is up, AWS_ENDPOINT_URL and "
                "AWS_DEFAULT_REGION, and the network"
            )
        if isinstance(error, boto.ReadTimeoutError):
            return (
                f"{host} did not answer within {network.read_timeout:g} s ({tries}): deploy again later; on a slow "
                "connection, raise DEPLOY_TIMEOUT (seconds)"
            )
        if isinstance(error, boto.HTTPClientError):  # ConnectionClosedError, ResponseStreamingError
            return f"{host} broke off the connection ({tries}; {type(error).__name__}): deploy again later"
        return f"boto3 failed ({type(error).__name__}: {scrub(error, 200)}): see {README_DEPLOY}"
    if isinstance(error, OSError):
        return (
            f"cannot read {error.filename or 'a file of the build'} ({error.strerror or type(error).__name__}): "
            "build again (python3 tasks.py publish), then deploy"
        )
    return f"{type(error).__name__}: {scrub(error, 200)}"


def client_error_message(error, target, network, endpoint):
    """failure_message for an error answer of the store or the CDN (botocore's ClientError)."""
    info = error.response.get("Error") or {}
    meta = error.response.get("ResponseMetadata") or {}
    status = meta.get("HTTPStatusCode")
    code = str(info.get("Code") or status or "no error code")  # HEAD answers have no body, so no code
    operation = error.operation_name
    on_cdn = operation in CLOUDFRONT_OPERATIONS
    service = "CloudFront" if on_cdn else "S3"
    retries = meta.get("RetryAttempts")
    tries = (retries + 1) if isinstance(retries, int) else network.attempts
    verb, permission = OPERATIONS.get(operation, (f"call {operation} on", None))
    thing = f'distribution "{target.distribution_id}"' if on_cdn else f'bucket "{target.bucket}"'
    check = "CDN_DISTRIBUTION_ID" if on_cdn else "DEPLOY_BUCKET"
    answer = f"{code}, HTTP {status}" if status and code != str(status) else code
    if code in UNKNOWN_KEY:
        return (
            f"{service} does not know the access key in AWS_ACCESS_KEY_ID (mistyped, deleted or deactivated, or a "
            f"key of another store than AWS_ENDPOINT_URL): check the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            f"secrets, or use the role (AWS_ROLE_ARN) ({README_SECRETS})"
        )
    if code in BAD_SIGNATURE:
        return (
            f"{service} rejected the request signature: AWS_SECRET_ACCESS_KEY is not the secret of the access key "
            f"in AWS_ACCESS_KEY_ID; set both secrets again, as one pair ({README_SECRETS})"
        )
    if code in EXPIRED:
        return (
            f"{service} says the temporary credentials have expired or are invalid ({code}): deploy again, which "
            "takes new ones from the role (AWS_ROLE_ARN); by hand, set new AWS_ACCESS_KEY_ID, "
            f"AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN ({README_SECRETS})"
        )
    if code == "RequestTimeTooSkewed":
        return f"{service} rejected the request because this machine's clock is wrong: set it right, then deploy again"
    if code in WRONG_REGION or (status == 301 and not on_cdn):
        return (
            f'bucket "{target.bucket}" is in another region than AWS_DEFAULT_REGION ({code}): set '
            f"AWS_DEFAULT_REGION to the bucket's region ({README_DEPLOY})"
        )
    if code == "NoSuchBucket" or (code == "404" and operation in ("HeadBucket", "ListObjectsV2")):
        where = f" at {host_of(endpoint)}" if endpoint else ""
        return (
            f'bucket "{target.bucket}" does not exist{where}: check DEPLOY_BUCKET, and AWS_ENDPOINT_URL and '
            f"AWS_DEFAULT_REGION ({README_DEPLOY})"
        )
    if code == "NoSuchDistribution":
        return (
            f'CloudFront has no distribution "{target.distribution_id}": check CDN_DISTRIBUTION_ID (the ID the '
            f"CloudFront console shows, such as E2QWRUHAPOMQZL), or unset it to deploy without invalidating "
            f"({README_DEPLOY})"
        )
    if code in DENIED or status == 403:
        return (
            f"the deploy's credentials may not {verb} {thing} ({permission or operation}; {answer}): give the "
            f"role (or the deploy identity) the permissions listed in {README_PERMISSIONS}, or check {check}"
        )
    if code == "TooManyInvalidationsInProgress":
        return (
            f'CloudFront has too many invalidations in progress on distribution "{target.distribution_id}": '
            "wait until some are done, then deploy again"
        )
    if code in THROTTLED or status == 429:
        return (
            f"{service} is throttling the deploy ({answer}) and still was after {tries} attempts: wait a few "
            "minutes, then deploy again (fewer uploads at a time with --jobs, or more attempts with "
            "AWS_MAX_ATTEMPTS, also help)"
        )
    if isinstance(status, int) and status >= 500:
        return f"{service} failed ({answer}) {tries} times in a row, a fault on its side: deploy again later"
    message = scrub(info.get("Message") or "", 160)
    return (
        f"{service} refused {operation} on {thing} ({answer}{': ' + message if message else ''}): see {README_DEPLOY}"
    )


STAGES = {  # stage of the deploy -> what it was doing (with the path it was doing it to)
    "preflight": "",
    "reading": "reading {path}",
    "saving": f"saving the paths to invalidate ({PENDING_INVALIDATION})",
    "uploading": "uploading {path}",
    "marking": "marking {path} superseded",
    "deleting": "deleting {path}",
    "invalidating": "invalidating {count} paths on CDN {distribution}",
    "forgetting": f"removing {PENDING_INVALIDATION}",
    "recording": f"recording the deploy ({STATE})",
}


def failure_line(
    stage, reason, *, path=None, uploaded=0, uploads=0, deleted=0, paths=0, distribution=None, interrupted=False
):
    """The one line a failed (or interrupted) deploy ends with: what failed, how far the deploy got,
    what state the live site is in, and what to do. Pure.

    stage: a key of STAGES; reason: failure_message's line (None when interrupted); path: the file
    (or object) the step was for; uploaded/uploads: uploads done, of how many; deleted: deletions
    done; paths: how many paths were to be invalidated on `distribution`."""
    doing = (
        "" if interrupted else STAGES[stage].format(path=path or "the bucket", count=paths, distribution=distribution)
    )
    what = ": ".join(part for part in (doing, reason) if part)
    what = f": {what}" if what else ""
    how = "interrupted" if interrupted else "failed"
    then = "deploy again" if interrupted else "once this is fixed, deploy again"
    if stage in ("preflight", "reading", "saving"):
        return f"{'Deploy preflight' if stage == 'preflight' else 'Deploy'} {how}, nothing was changed{what}."
    if stage == "uploading":
        return (
            f"Deploy {how} after {uploaded} of {uploads} uploads, nothing deleted{what}. The live site is still "
            f"consistent (files go up before the pages that name them, deletions come last): {then} and it "
            "uploads the rest."
        )
    done = f"all {uploads} uploads" if uploads else "the uploads (none were needed)"
    if stage == "marking":
        return (
            f"Deploy {how} after {done}, nothing deleted{what}. The live site is the new build and consistent: "
            f"{then} and it finishes."
        )
    if stage == "deleting":
        return (
            f"Deploy {how} after {done} and {deleted} deletions{what}. The live site is the new build and "
            f"consistent, with some objects it no longer uses left over: {then} and it deletes them."
        )
    if stage == "invalidating":
        return (
            f"Deploy {how} after {done} and {deleted} deletions{what}. The bucket holds the new build, but the "
            "CDN may serve old copies of the changed pages until they expire; the paths are saved in the "
            f"bucket ({PENDING_INVALIDATION}) and the next deploy invalidates them."
        )
    if stage == "recording":
        return (
            f"Deploy {how} at its very end{what}. The site is deployed and invalidated; without this record "
            "the hourly rebuild may build and deploy it once more."
        )
    return (
        f"Deploy {how} at its very end{what}. The site is deployed and invalidated; the next deploy "
        "invalidates these paths once more."
    )


def redact(line, environ):
    """The line without the values of the credential variables (a last guard: messages never hold them)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        value = environ.get(name, "").strip()
        if len(value) >= 8:
            line = line.replace(value, "(hidden)")
    return line


# --- Running it -----------------------------------------------------------------------------


@dataclass
class Result:
    plan: Plan
    uploaded: list = field(default_factory=list)  # paths, in the order they were done
    deleted: list = field(default_factory=list)
    marked: list = field(default_factory=list)
    invalidation_id: str | None = None
    invalidated: list = field(default_factory=list)  # the paths sent to the CDN
    seconds: float = 0.0


@dataclass
class Progress:
    """How far a deploy got, for the line that reports a failure (failure_line)."""

    stage: str = "preflight"  # a key of STAGES
    endpoint: str = ""  # the S3 endpoint URL of the clients
    result: Result | None = None
    paths: int = 0  # paths to invalidate

    def line(self, reason, path=None, distribution=None, interrupted=False):
        result = self.result or Result(Plan(uploads=[[], [], []]))
        return failure_line(
            self.stage,
            reason,
            path=path,
            uploaded=len(result.uploaded),
            uploads=result.plan.upload_count,
            deleted=len(result.deleted),
            paths=self.paths,
            distribution=distribution,
            interrupted=interrupted,
        )


def is_failure(error):
    """Whether an exception is a failure of boto3, the store, the CDN or the build's files (and so
    reported in one line), rather than a bug in deploy.py (reported with its traceback)."""
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(error, (BotoCoreError, ClientError, OSError, BuildChanged))


def step(path, function, *args):
    """function(*args), with the path it was for attached to any failure (StepFailed)."""
    try:
        return function(*args)
    except Exception as error:
        raise StepFailed(path, error) from error


def deploy(
    output, settings, *, dry_run=False, force=False, reupload=False, preview=None, jobs=16, upload_delay=0, out=print
):
    """Deploy the build in `output` where the environment says, live or, with `preview`, as the
    preview in that folder of the site's folder (previews/pr-7); return a Result.

    Raises DeployError, having changed nothing, when it refuses (the build, the settings, the
    deletion guard), and DeployFailed (one line: what failed, how far the deploy got, what to do)
    when the preflight, boto3, the store or the CDN fails, or when it is interrupted."""
    started = time.perf_counter()
    target = Target.from_env(os.environ, preview)
    network = Network.from_env(os.environ)
    files = local_files(output, settings["DEPLOY_HEADERS"])
    problems = check_build(output, files, os.environ, target.preview)
    if problems:
        raise DeployError("the build cannot be deployed: " + "; ".join(problems))
    if target.preview:
        files["robots.txt"] = in_memory("robots.txt", PREVIEW_ROBOTS, settings["DEPLOY_HEADERS"])
    siteurl = build_manifest.read(output)["siteurl"].rstrip("/")
    progress = Progress()
    try:
        return run(
            settings,
            files,
            siteurl,
            target,
            network,
            progress,
            started,
            dry_run=dry_run,
            force=force,
            reupload=reupload,
            jobs=jobs,
            upload_delay=upload_delay,
            out=out,
        )
    except KeyboardInterrupt:
        raise DeployFailed(
            progress.line(None, distribution=target.distribution_id, interrupted=True), interrupted=True
        ) from None
    except Exception as error:
        path, cause = (error.path, error.error) if isinstance(error, StepFailed) else (None, error)
        if not is_failure(cause):  # a bug in deploy.py: its own traceback
            if cause is error:
                raise
            raise cause from None
        reason = failure_message(cause, target, network, progress.endpoint)
        raise DeployFailed(progress.line(reason, path, target.distribution_id)) from cause


def run(
    settings, files, siteurl, target, network, progress, started, *, dry_run, force, reupload, jobs, upload_delay, out
):
    """deploy(), once the build has passed its checks; keeps `progress` up to date."""
    site = site_path(siteurl)
    session, s3, cloudfront = clients(network)
    progress.endpoint = s3.meta.endpoint_url
    preflight(target, session, s3, cloudfront)
    progress.stage = "reading"
    bucket = Bucket(target, s3)
    now = time.time()
    rules = settings["DEPLOY_HEADERS"]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        remote = bucket.list()
        # Read the metadata where the listing does not settle it: an ETag that is not this MD5,
        # and fingerprinted files the build no longer has (are they superseded, since when?).
        to_read = [p for p, f in files.items() if p in remote and not is_same(f, remote[p])]
        if settings["DEPLOY_KEEP_SUPERSEDED"] > 0:
            to_read += [p for p in remote if p not in files and is_immutable(headers_for(p, rules))]
        read = pool.map(lambda p: step(p, bucket.with_metadata, p, remote[p]), to_read)
        for path, found in zip(to_read, read, strict=True):
            remote[path] = found
        plan = make_plan(files, remote, rules, site, now, settings["DEPLOY_KEEP_SUPERSEDED"], reupload)
        pending = step(PENDING_INVALIDATION, bucket.pending_invalidation) if target.distribution_id else []
        paths = sorted(set(plan.invalidations) | set(pending))
        batch = invalidation_batch(paths, settings["DEPLOY_INVALIDATION_MAX"], site)
        progress.paths = len(batch)
        for line in describe(
            plan, remote, pending, target, siteurl, batch if paths else [], settings["DEPLOY_KEEP_SUPERSEDED"]
        ):
            out(line)
        problem = target.preview is None and deletion_problem(
            plan, remote, rules, settings["DEPLOY_MAX_DELETES"], settings["DEPLOY_MAX_DELETE_SHARE"]
        )
        if problem and not force:
            raise DeployError(problem)
        if problem:
            out(f"  --force: {problem.split('. If')[0]}; going ahead.")
        result = progress.result = Result(plan)
        if dry_run:
            out("Dry run: nothing was changed.")
            return result

        def upload(f):
            step(f.path, bucket.put, f, upload_delay)
            result.uploaded.append(f.path)

        def mark(path):
            step(path, bucket.mark_superseded, path, now)
            result.marked.append(path)

        if target.distribution_id and paths and paths != pending:
            progress.stage = "saving"
            bucket.save_pending_invalidation(paths)
        progress.stage = "uploading"
        for group in plan.uploads:
            list(pool.map(upload, group))  # the whole group, then the next
        progress.stage = "marking"
        list(pool.map(mark, plan.supersede))
        progress.stage = "deleting"
        bucket.delete(plan.deletions, result.deleted)
    if target.distribution_id and paths:
        progress.stage = "invalidating"
        answer = cloudfront.create_invalidation(
            DistributionId=target.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(batch), "Items": batch},
                "CallerReference": f"deploy-{time.time_ns()}",
            },
        )
        result.invalidation_id, result.invalidated = answer["Invalidation"]["Id"], batch
        progress.stage = "forgetting"
        bucket.forget_pending_invalidation()
    if target.preview is None:
        progress.stage = "recording"
        bucket.record(deploy_record(os.environ, now))
    result.seconds = time.perf_counter() - started
    invalidated = f", invalidation {result.invalidation_id} ({len(batch)} paths)" if result.invalidation_id else ""
    out(
        f"Deployed in {result.seconds:.2f} s: {len(result.uploaded)} uploaded ({size(plan.upload_bytes)}), "
        f"{len(result.deleted)} deleted, {len(result.marked)} marked superseded{invalidated}."
    )
    return result


def deploy_record(environ, now):
    """What a live deploy records (STATE): when its build started (DEPLOY_BUILT_AT, UTC, as CI sets it
    before the build; None by hand) and of which commit (DEPLOY_COMMIT), and when it was deployed."""
    built_at = environ.get("DEPLOY_BUILT_AT", "").strip() or None
    if built_at is not None:
        try:
            built_at = datetime.fromisoformat(built_at).astimezone(UTC).isoformat(timespec="seconds")
        except ValueError:
            built_at = None  # not a time: no claim, so the hourly rebuild builds again
    return {
        "built_at": built_at,
        "commit": environ.get("DEPLOY_COMMIT", "").strip() or None,
        "deployed_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
    }


def remove_preview(preview, *, dry_run=False, out=print):
    """Delete the preview in `preview` (previews/pr-7) of the site's folder, every object of it and
    nothing else, and invalidate it on the CDN; return a Result. Refuses (DeployError) any folder
    that is not one preview's; DeployFailed as deploy()."""
    started = time.perf_counter()
    target = Target.from_env(os.environ, preview)
    network = Network.from_env(os.environ)
    site = site_path(os.environ.get("SITEURL", "").strip())
    progress = Progress()
    try:
        session, s3, cloudfront = clients(network)
        progress.endpoint = s3.meta.endpoint_url
        preflight(target, session, s3, cloudfront)
        progress.stage = "reading"
        bucket = Bucket(target, s3)
        paths = [target.path(item["Key"]) for item in bucket.objects()]
        result = progress.result = Result(Plan(uploads=[[], [], []], deletions=paths))
        batch = [f"{site}/{target.preview}/*"] if target.distribution_id and paths else []
        progress.paths = len(batch)
        out(f"Remove the preview s3://{target.bucket}/{target.list_prefix}: {len(paths)} objects.")
        if dry_run:
            out("Dry run: nothing was changed.")
            return result
        progress.stage = "deleting"
        bucket.delete(paths, result.deleted)
        if batch:
            progress.stage = "invalidating"
            answer = cloudfront.create_invalidation(
                DistributionId=target.distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": 1, "Items": batch},
                    "CallerReference": f"remove-{time.time_ns()}",
                },
            )
            result.invalidation_id, result.invalidated = answer["Invalidation"]["Id"], batch
    except KeyboardInterrupt:
        deleted = len(progress.result.deleted) if progress.result else 0
        raise DeployFailed(
            f"Removing the preview interrupted after {deleted} deletions: remove it again, it deletes what is left.",
            interrupted=True,
        ) from None
    except Exception as error:
        path, cause = (error.path, error.error) if isinstance(error, StepFailed) else (None, error)
        if not is_failure(cause):
            if cause is error:
                raise
            raise cause from None
        reason = failure_message(cause, target, network, progress.endpoint)
        doing = STAGES[progress.stage].format(
            path=path or "the bucket", count=progress.paths, distribution=target.distribution_id
        )
        deleted = len(progress.result.deleted) if progress.result else 0
        raise DeployFailed(
            f"Removing the preview failed after {deleted} deletions: {': '.join(p for p in (doing, reason) if p)}. "
            "Once this is fixed, remove it again: it deletes what is left."
        ) from cause
    result.seconds = time.perf_counter() - started
    out(f"Removed the preview in {result.seconds:.2f} s: {len(result.deleted)} deleted.")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", help="the production build (output/)")
    parser.add_argument("--settings", default="publishconf.py", help="the settings file with the DEPLOY_* settings")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    parser.add_argument("--force", action="store_true", help="delete even past DEPLOY_MAX_DELETES / _SHARE")
    parser.add_argument(
        "--reupload", action="store_true", help="upload every file, changed or not (after a change to DEPLOY_HEADERS)"
    )
    parser.add_argument(
        "--preview", metavar="previews/NAME", help="deploy a preview build (NOINDEX) there, not the live site"
    )
    parser.add_argument(
        "--remove-preview", metavar="previews/NAME", help="delete that preview, every object of it (no OUTPUT)"
    )
    parser.add_argument("--jobs", type=int, default=16, help="uploads at a time")
    parser.add_argument("--upload-delay", type=float, default=0, help=argparse.SUPPRESS)  # tests only
    args = parser.parse_args(argv)
    if (args.output is None) == (args.remove_preview is None):
        parser.error("give OUTPUT to deploy, or --remove-preview alone")

    def out(line):
        print(line, flush=True)

    try:
        if args.remove_preview is not None:
            remove_preview(args.remove_preview, dry_run=args.dry_run, out=out)
            return 0
        deploy(
            args.output,
            load_settings(args.settings),
            dry_run=args.dry_run,
            force=args.force,
            reupload=args.reupload,
            preview=args.preview,
            jobs=args.jobs,
            upload_delay=args.upload_delay,
            out=out,
        )
    except DeployFailed as error:
        print(redact(str(error), os.environ), file=sys.stderr, flush=True)
        return 130 if error.interrupted else 1
    except DeployError as error:
        print(redact(f"Deploy refused: {error}.", os.environ), file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:  # before the deploy reached the bucket
        print("Deploy interrupted, nothing was changed.", file=sys.stderr, flush=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
