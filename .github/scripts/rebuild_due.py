"""Whether the hourly rebuild has anything to do: has anything fallen due since the last live deploy?

    python3 .github/scripts/rebuild_due.py [--content content] [--siteurl URL] [--commit SHA]

Prints `due=true` or `due=false` (for $GITHUB_OUTPUT) and, on stderr, why. Standard library only:
it runs on the runner's own Python, before anything is installed (.github/workflows/hourly.yml).

With no commit, the site changes by itself at these moments only (README.md, "Deploy" > "CI"):

- each `Date`: an item with a future Date (an article, a page, a translation, whose original's Date
  it waits for too) is published by the first build after it;
- each action's `Starts` and `Ends`: an action opens on its Starts day and closes the day after its
  Ends, by the day in the site's time zone (TIMEZONE in pelicanconf.py); both midnights of each of
  those days are counted.

Every `.md` file under the content folder is read, each field as Python-Markdown's meta extension
reads it, drafts and past dates included, and dates in file names too (Pelican's FILENAME_METADATA).
A time without a UTC offset counts at both readings of an hour the clocks repeat.

The last live deploy is the record deploy.py leaves in the bucket (STATE), read through the site
(SITEURL/.deploy-state.json): when its build started and of which commit. The rebuild is due unless
that record is read, is for this commit, and no moment above lies after its build started and no
later than now. When in doubt, build: no record, a record that cannot be read or is for another
commit (a push whose deploy failed), a date that cannot be read, or any error here, all say due.
"""

import argparse
import importlib.util
import json
import os
import re
import runpy
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import deploy  # noqa: E402 - the repository's, found above; its names only (STATE), no boto3

# Python-Markdown's meta extension, which the site's reader uses: the fields before the first blank line.
META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
BEGIN = re.compile(r"^-{3}(\s.*)?")
END = re.compile(r"^(-{3}|\.{3})(\s.*)?")
FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")  # Pelican's FILENAME_METADATA, at the start of a file's name
FIELDS = {"date": "moment", "starts": "day", "ends": "day"}
FUTURE = timedelta(minutes=10)  # a record from further ahead than this is not believed


def _dates():
    """The plugin's date parser (plugins/iwelcome/dates.py), loaded from its file: Pelican is not needed."""
    path = ROOT / "plugins" / "iwelcome" / "dates.py"
    spec = importlib.util.spec_from_file_location("iwelcome_dates", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dates = _dates()


def site_timezone(settings=ROOT / "pelicanconf.py"):
    return runpy.run_path(str(settings))["TIMEZONE"]


def fields(text):
    """{field (lower case): [values]} of a Markdown file's metadata, as the meta extension reads it."""
    lines = text.lstrip("\ufeff").split("\n")
    if lines and BEGIN.match(lines[0]):
        lines.pop(0)
    found, key = {}, None
    for line in lines:
        if not line.strip() or END.match(line):
            break
        match = META.match(line)
        if match:
            key = match["key"].lower()
            found.setdefault(key, []).append(match["value"].strip())
        elif key and META_MORE.match(line):
            found[key].append(META_MORE.match(line)["value"].strip())
        else:
            break
    return found


def local_moments(value, zone):
    """The moments a datetime from the parser stands for: itself when it has an offset, else both
    readings of it in the site's time zone (they differ only in the hour the clocks repeat)."""
    if value.tzinfo is not None:
        return {value.astimezone(UTC)}
    return {value.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)}


def moments(content, tz_name):
    """(moments, problems): every moment at which the site changes by itself, as UTC datetimes,
    and the dates that could not be read ('path: Field: value')."""
    zone = ZoneInfo(tz_name)
    found, problems = set(), []
    for path in sorted(Path(content).rglob("*.md")):
        where = path.relative_to(content).as_posix()
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            problems.append(f"{where}: {error.strerror}")
            continue
        values = [(name, value) for name, values in fields(text).items() if name in FIELDS for value in values]
        named = FILE_DATE.match(path.stem)
        if named:
            values.append(("date", named[1]))
        for name, value in values:
            try:
                parsed = dates.parse_date(value)
            except ValueError:
                problems.append(f"{where}: {name.capitalize()}: {value!r}")
                continue
            if FIELDS[name] == "moment":
                found |= local_moments(parsed, zone)
            else:
                day = datetime.combine(parsed.date(), datetime.min.time())
                found |= local_moments(day, zone) | local_moments(day + timedelta(days=1), zone)
    return sorted(found), problems


def read_record(siteurl, timeout=20):
    """(record, None) from SITEURL/.deploy-state.json, or (None, why not)."""
    if not siteurl.strip():
        return None, "SITEURL is not set"
    url = f"{siteurl.strip().rstrip('/')}/{deploy.STATE}"
    request = urllib.request.Request(url, headers={"Cache-Control": "no-cache", "User-Agent": "rebuild-due"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            record = json.loads(answer.read(100_000))
    except Exception as error:  # noqa: BLE001 - whatever fails, there is no record: build
        return None, f"{url} could not be read ({type(error).__name__}: {error})"
    if not isinstance(record, dict):
        return None, f"{url} is not a deploy record"
    return record, None


def decide(record, commit, found, problems, now):
    """(due, why): whether to build, from the last deploy's record (None: none could be read), this
    commit, the moments and the dates that could not be read, at `now` (aware)."""
    if record is None:
        return True, "no record of the last live deploy"
    if problems:
        return True, f"{len(problems)} dates cannot be read, so nothing can be skipped (first: {problems[0]})"
    if not commit or record.get("commit") != commit:
        return True, f"the last live deploy was of commit {record.get('commit')}, and this is {commit}"
    try:
        built_at = datetime.fromisoformat(record["built_at"])
        if built_at.tzinfo is None:
            raise ValueError("no time zone")
    except (KeyError, TypeError, ValueError):
        return True, f"the last live deploy does not say when its build started ({record.get('built_at')!r})"
    if built_at > now + FUTURE:
        return True, f"the last live deploy says its build started at {built_at:%Y-%m-%d %H:%M} UTC, in the future"
    passed = [moment for moment in found if built_at < moment <= now]
    if passed:
        return True, (
            f"{len(passed)} embargo or action times passed since the last live deploy's build "
            f"({built_at:%Y-%m-%d %H:%M} UTC), the first at {passed[0]:%Y-%m-%d %H:%M} UTC"
        )
    later = [moment for moment in found if moment > now]
    upcoming = f"; the next is at {later[0]:%Y-%m-%d %H:%M} UTC" if later else "; none is to come"
    return False, (
        f"nothing has fallen due since the last live deploy's build ({built_at:%Y-%m-%d %H:%M} UTC, "
        f"commit {commit[:12]}){upcoming}"
    )


def main(argv=None, now=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", default=str(ROOT / "content"), help="the content folder")
    parser.add_argument("--siteurl", default=os.environ.get("SITEURL", ""), help="the live site (default: $SITEURL)")
    parser.add_argument("--commit", default=os.environ.get("GITHUB_SHA", ""), help="this commit (default: $GITHUB_SHA)")
    args = parser.parse_args(argv)
    now = now or datetime.now(UTC)
    try:
        record, why_not = read_record(args.siteurl)
        found, problems = moments(args.content, site_timezone())
        due, why = decide(record, args.commit, found, problems, now)
        if record is None:
            why = f"{why}: {why_not}"
    except Exception as error:  # noqa: BLE001 - when in doubt, build
        due, why = True, f"the check failed ({type(error).__name__}: {error})"
    print(f"due={'true' if due else 'false'}")
    print(f"{'Due' if due else 'Not due'}: {why}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
