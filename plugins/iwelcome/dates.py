"""Dates as editors write them: one strict parser for every date field (Date, Modified, Starts,
Ends), and the words that say when an embargo lifts. Pure functions: tested without a build.

Accepted, and nothing else: `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM`, optionally followed by a UTC
offset (`+02:00`, `-0500` or `Z`). Without an offset the time is the site's (TIMEZONE). A date
such as `06/12/2026` is refused rather than guessed: June 12 or December 6 is the difference
between an embargo kept and an embargo broken.
"""

import os
import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

FORMS = "YYYY-MM-DD or YYYY-MM-DD HH:MM"
_DATE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[ T](?P<hour>\d{2}):(?P<minute>\d{2})(?:\s*(?P<offset>Z|[+-]\d{2}:?\d{2}))?)?"
)
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[./](\d{1,2})[./](\d{1,2})")


class DateError(ValueError):
    """Not a date this site accepts; the message says what to write instead."""


def parse_date(text):
    """'2026-12-06' or '2026-12-06 09:30' (+ offset) -> datetime: naive without an offset (the
    site's time zone applies), aware with one. Raises DateError with the fix otherwise."""
    raw = str(text).strip()
    match = _DATE.fullmatch(raw)
    if not match:
        raise DateError(date_problem(raw))
    parts = {k: int(v) for k, v in match.groupdict().items() if v and k != "offset"}
    try:
        value = datetime(parts["year"], parts["month"], parts["day"], parts.get("hour", 0), parts.get("minute", 0))
    except ValueError:
        raise DateError(date_problem(raw)) from None
    offset = match.group("offset")
    if offset:
        if offset == "Z":
            return value.replace(tzinfo=UTC)
        sign = -1 if offset[0] == "-" else 1
        hours, minutes = int(offset[1:3]), int(offset[-2:])
        if hours > 14 or minutes > 59:
            raise DateError(f"'{raw}' has an offset that is not a time zone; write it as +HH:MM, such as -05:00")
        return value.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
    return value


def parse_day(text):
    """A date field that means a day (an action's Starts and Ends): the same grammar, as a date."""
    return parse_date(text).date()


def date_problem(raw):
    """What is wrong with `raw` as a date, and what to write instead (with a guess where one is safe)."""
    raw = str(raw).strip()
    if not raw:
        return f"is empty; write it as {FORMS}, for example 2024-03-15"
    day_first = _DAY_FIRST.fullmatch(raw)
    if day_first:
        a, b, year = (int(x) for x in day_first.groups())
        readings = sorted({f"{year}-{m:02d}-{d:02d}" for d, m in ((a, b), (b, a)) if _is_day(year, m, d)})
        if len(readings) == 2:
            return (
                f"'{raw}' could be read two ways ({readings[1]} or {readings[0]}); "
                f"write it as YYYY-MM-DD so that there is no doubt"
            )
        if readings:
            return f"'{raw}' is not written as YYYY-MM-DD; did you mean {readings[0]}?"
    year_first = _YEAR_FIRST.fullmatch(raw)
    if year_first:
        year, month, day = (int(x) for x in year_first.groups())
        if _is_day(year, month, day):
            return f"'{raw}' is not written as YYYY-MM-DD; did you mean {year}-{month:02d}-{day:02d}?"
    return f"'{raw}' is not a date; write it as {FORMS}, for example 2024-03-15"


def _is_day(year, month, day):
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def embargo_words(moment, zone_label):
    """'December 6, 2026 at 09:00 New York time (EST, UTC-05:00)': when an embargo lifts, with its zone."""
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    abbreviation = moment.tzname() or ""
    utc = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    zone = f"{abbreviation}, {utc}" if abbreviation and not abbreviation.startswith(("UTC", "+", "-")) else utc
    return f"{moment:%B} {moment.day}, {moment.year} at {moment:%H:%M} {zone_label} ({zone})"


def zone_label(tz_name):
    """'America/New_York' -> 'New York time'; 'UTC' -> 'UTC'."""
    if "/" not in tz_name:
        return tz_name
    return tz_name.rsplit("/", 1)[1].replace("_", " ") + " time"


def today_in(settings, environ=os.environ):
    """The build's date where the campaign is: an action ending today is live all day. The
    environment's IWELCOME_TODAY (YYYY-MM-DD) stands in for the clock, so that a test can let an
    action's day pass without changing anything else."""
    if environ.get("IWELCOME_TODAY"):
        return date.fromisoformat(environ["IWELCOME_TODAY"])
    return datetime.now(ZoneInfo(settings.get("TIMEZONE", "UTC"))).date()
