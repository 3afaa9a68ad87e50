"""The hourly rebuild's decision (.github/scripts/rebuild_due.py; README.md, "Deploy" > "CI"): it
skips the build only when the last live deploy's record is for this commit and no Date, Starts or
Ends has passed since that deploy's build started. When in doubt it builds; above all it never
skips a due embargo, which the simulation of a year of hourly runs below holds it to.
"""

import http.server
import importlib.util
import json
import random
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import ROOT, action, article

spec = importlib.util.spec_from_file_location("rebuild_due", ROOT / ".github" / "scripts" / "rebuild_due.py")
rebuild_due = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rebuild_due)

NEW_YORK = "America/New_York"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def utc(text):
    return datetime.fromisoformat(text).astimezone(UTC)


def write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def record(built_at, commit=COMMIT):
    return {"built_at": built_at, "commit": commit, "deployed_at": built_at}


# --- what the content says -----------------------------------------------------------------------


def test_fields_are_read_as_the_meta_extension_reads_them():
    text = "---\nTitle: A\nDate: 2027-06-20\nTags: a,\n    b\nends: 2027-01-01\n\nDate: 1999-01-01 in the text\n"
    assert rebuild_due.fields(text) == {
        "title": ["A"],
        "date": ["2027-06-20"],
        "tags": ["a,", "b"],
        "ends": ["2027-01-01"],
    }
    assert rebuild_due.fields("\ufeffDate: 2027-06-20\nnot a field\nStarts: 2027-01-01\n") == {"date": ["2027-06-20"]}


def test_the_moments_of_embargoes_and_actions(tmp_path):
    content = write(
        tmp_path / "content",
        {
            "updates/embargoed.md": article(Date="2027-06-20 09:00"),
            "updates/with-offset.md": article(Date="2027-06-20 09:00 +02:00"),
            "updates/a-draft.md": article(Date="2027-03-01", Status="draft"),
            "pages/2027-05-05-named.md": "Title: Named by its date\n\nText.\n",
            "actions/opens.md": action(Starts="2027-02-01", Ends="2027-02-28"),
            "images/notes.txt": "Date: 1999-01-01\n",
        },
    )
    found, problems = rebuild_due.moments(content, NEW_YORK)
    assert problems == []
    assert set(found) == {
        utc("2027-06-20T09:00-04:00"),  # New York time, summer
        utc("2027-06-20T09:00+02:00"),
        utc("2027-03-01T00:00-05:00"),  # a draft too: counting more moments only builds more often
        utc("2027-05-05T00:00-04:00"),  # the date of a file's name (Pelican's FILENAME_METADATA)
        utc("2027-02-01T00:00-05:00"),  # Starts: it opens that day ...
        utc("2027-02-02T00:00-05:00"),
        utc("2027-02-28T00:00-05:00"),
        utc("2027-03-01T00:00-05:00"),  # ... and closes the day after Ends
    }


def test_an_hour_the_clocks_repeat_counts_at_its_later_reading_too(tmp_path):
    content = write(tmp_path / "content", {"updates/a.md": article(Date="2026-11-01 01:30")})
    found, _ = rebuild_due.moments(content, NEW_YORK)
    assert found == [utc("2026-11-01T01:30-04:00"), utc("2026-11-01T01:30-05:00")]


def test_a_date_that_cannot_be_read_is_a_problem(tmp_path):
    content = write(tmp_path / "content", {"updates/a.md": article(Date="06/12/2027")})
    found, problems = rebuild_due.moments(content, NEW_YORK)
    assert problems == ["updates/a.md: Date: '06/12/2027'"]
    due, why = rebuild_due.decide(record("2026-01-01T00:00:00+00:00"), COMMIT, found, problems, utc("2026-02-01"))
    assert due and "cannot be read" in why


def test_the_real_content_is_read_without_a_problem():
    found, problems = rebuild_due.moments(ROOT / "content", rebuild_due.site_timezone())
    assert problems == [] and found


# --- the decision --------------------------------------------------------------------------------

NOW = utc("2027-06-20T14:17:00+00:00")
EMBARGO = utc("2027-06-20T13:00:00+00:00")


@pytest.mark.parametrize(
    "the_record, commit, moments, due, why",
    [
        (None, COMMIT, [], True, "no record"),
        (record("2027-06-20T13:17:05+00:00", "another"), COMMIT, [], True, "was of commit another"),
        (record("2027-06-20T13:17:05+00:00"), "", [], True, "was of commit"),
        (record(None), COMMIT, [], True, "does not say when its build started"),
        (record("2027-06-20 13:17"), COMMIT, [], True, "does not say when"),  # no time zone
        (record("yesterday"), COMMIT, [], True, "does not say when"),
        ({"commit": COMMIT}, COMMIT, [], True, "does not say when"),
        (record("2027-06-20T15:17:00+00:00"), COMMIT, [], True, "in the future"),
        (record("2027-06-20T12:17:05+00:00"), COMMIT, [EMBARGO], True, "1 embargo or action times passed"),
        (record("2027-06-20T13:00:00+00:00"), COMMIT, [EMBARGO], False, "nothing has fallen due"),  # built after it
        (record("2027-06-20T13:17:05+00:00"), COMMIT, [EMBARGO], False, "none is to come"),
        (record("2027-06-20T13:17:05+00:00"), COMMIT, [NOW], True, "passed"),  # due at this very second
        (record("2027-06-20T13:17:05+00:00"), COMMIT, [NOW + timedelta(seconds=1)], False, "the next is at"),
    ],
)
def test_the_decision(the_record, commit, moments, due, why):
    decided, reason = rebuild_due.decide(the_record, commit, moments, [], NOW)
    assert decided is due and why in reason, reason


def test_a_year_of_hourly_runs_never_skips_a_due_embargo():
    """Hourly runs, GitHub starting each some minutes late, each building (when due) a little after
    its check, over embargoes and action days at random moments of 2027, DST days included: after
    each run, every item whose time has come by that run's check is live, and builds are rare."""
    rng = random.Random(16)
    zone = ZoneInfo(NEW_YORK)
    start = datetime(2027, 1, 1, tzinfo=UTC)
    naive = [datetime(2027, 1, 1) + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(150)]
    naive += [datetime(2027, 3, 14, 2, 30), datetime(2027, 11, 7, 1, 30), datetime(2027, 11, 7, 1, 59)]
    # What the build does: Pelican reads the naive time in the site's zone (either reading of an
    # hour the clocks repeat) and publishes the item once the build's clock has passed it.
    truths = {value: value.replace(tzinfo=zone, fold=rng.choice((0, 1))).astimezone(UTC) for value in naive}
    moments = sorted({m for value in naive for m in rebuild_due.local_moments(value, zone)})
    the_record, live, builds = None, set(), 0
    for hour in range(365 * 24):
        check = start + timedelta(hours=hour, minutes=17 + rng.randrange(25))
        due, _ = rebuild_due.decide(the_record, COMMIT, moments, [], check)
        if due:
            builds += 1
            built_at = check + timedelta(seconds=rng.randrange(20, 300))  # `date -u`, then Pelican
            pelican_now = built_at + timedelta(seconds=rng.randrange(1, 60))
            live = {value for value, truth in truths.items() if truth <= pelican_now}
            the_record = record(built_at.replace(microsecond=0).isoformat())
        late = [value for value, truth in truths.items() if truth <= check and value not in live]
        assert not late, f"{late[0]} ({truths[late[0]]}) is not live after the run at {check}"
    assert builds <= 1 + len(moments), f"{builds} builds for {len(moments)} moments"


# --- the command, as hourly.yml runs it ------------------------------------------------------------


class Record(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        status = 200 if self.path == "/campaign/.deploy-state.json" and self.body else 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body if status == 200 else b"not found")

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    """A site at http://127.0.0.1:PORT/campaign that serves Record.body as its deploy record."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/campaign"
    server.shutdown()
    server.server_close()
    Record.body = b""


def run(capsys, *arguments, now):
    assert rebuild_due.main(list(arguments), now=now) == 0
    out, err = capsys.readouterr()
    return out, err


def test_the_command_reads_the_record_through_the_site(site, tmp_path, capsys):
    content = write(tmp_path / "content", {"updates/a.md": article(Date="2027-06-20 09:00")})
    arguments = ("--content", str(content), "--siteurl", site, "--commit", COMMIT)
    out, err = run(capsys, *arguments, now=NOW)
    assert out == "due=true\n" and "no record of the last live deploy" in err and "HTTPError" in err

    Record.body = json.dumps(record("2027-06-20T12:17:05+00:00")).encode()
    out, err = run(capsys, *arguments, now=NOW)
    assert out == "due=true\n" and "1 embargo or action times passed" in err
    Record.body = json.dumps(record("2027-06-20T13:17:05+00:00")).encode()
    out, err = run(capsys, *arguments, now=NOW)
    assert out == "due=false\n" and err.startswith("Not due: nothing has fallen due")

    Record.body = b"<html>a page, not the record</html>"
    out, _ = run(capsys, *arguments, now=NOW)
    assert out == "due=true\n"
    out, err = run(capsys, "--content", str(content), "--siteurl", "", "--commit", COMMIT, now=NOW)
    assert out == "due=true\n" and "SITEURL is not set" in err


def test_any_failure_of_the_command_says_due(site, tmp_path, capsys, monkeypatch):
    Record.body = json.dumps(record("2027-06-20T13:17:05+00:00")).encode()

    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(rebuild_due, "moments", broken)
    out, err = run(capsys, "--siteurl", site, "--commit", COMMIT, now=NOW)
    assert out == "due=true\n" and "the check failed (RuntimeError: a bug)" in err
