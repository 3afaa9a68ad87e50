"""Stopping a build whose content has problems: one line each, no traceback, nothing written."""

import html
import logging
import os
import re
import sys


class BuildStopped(Exception):
    """The build cannot go on, for a reason its message says in one line (Pelican exits with 1)."""

    exitcode = 1


class ContentError(BuildStopped):
    """The content has problems; the lines describing them are already printed."""


class HideContentErrorTraceback(logging.Filter):
    """Pelican logs a failed build with its traceback; for a BuildStopped the message says it all."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], BuildStopped):
            record.msg, record.args = "%s", (str(record.exc_info[1]),)
            record.exc_info = None
        return True


class ErrorCollector(logging.Handler):
    """Errors Pelican logs while reading (a file it could not process) fail the build too."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage().splitlines()[0])


_pelican_errors = ErrorCollector()


def watch_pelican_errors(pelican):
    """initialized: what Pelican logs as an error while it reads joins the content's problems,
    and a BuildStopped is logged in one line instead of a traceback."""
    pelican_logger = logging.getLogger("pelican")
    if _pelican_errors not in pelican_logger.handlers:
        pelican_logger.addHandler(_pelican_errors)
        pelican_logger.addFilter(HideContentErrorTraceback())
    _pelican_errors.messages.clear()


def collected_errors():
    """The lines Pelican logged as errors since the last call."""
    lines = list(_pelican_errors.messages)
    _pelican_errors.messages.clear()
    return lines


def logged_errors():
    """Whether Pelican logged errors since the last `collected_errors()` (while writing the site)."""
    return bool(_pelican_errors.messages)


def error_count():
    """How many errors Pelican has logged since the last `collected_errors()`."""
    return len(_pelican_errors.messages)


def line_of(path, field):
    """The line where `field:` is written at the top of `path`, or None."""
    pattern = re.compile(rf"^\s*{re.escape(field)}\s*:", re.IGNORECASE)
    for number, line in _lines(path):
        if not line.strip():
            return None  # the metadata block ends at the first blank line
        if pattern.match(line):
            return number
    return None


def body_line(path, text):
    """The first line of the text (after the fields) of `path` that holds `text` (as the HTML has
    it, or as the editor wrote it: `&amp;` is `&`), or None."""
    needles = {text.lower(), html.unescape(text).lower()}
    in_body = False
    for number, line in _lines(path):
        if not in_body:
            in_body = not line.strip()
            continue
        if any(needle in line.lower() for needle in needles):
            return number
    return None


def _lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            yield from enumerate(f, start=1)
    except OSError:
        return


def format_problem(problem, root):
    """'path:line: Field: message', with the line when it is known or can be found in the file."""
    line = problem.line
    if line is None and problem.field:
        full = os.path.join(root, problem.path)
        if problem.field == "Body":
            line = body_line(full, problem.locate) if problem.locate else None
        else:
            line = line_of(full, problem.field)
    where = f"{problem.path}:{line}" if line else problem.path
    return f"{where}: {problem.field}: {problem.message}" if problem.field else f"{where}: {problem.message}"


# Characters that would break a message's line or change how it reads on screen: control
# characters, line and paragraph separators, and the marks that reverse the direction of text.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text):
    """`text` on one line, with what could hide or garble it shown as an escape (\\r, \\u202e)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def formatted(problems, root):
    """The lines of `problems` (Problems, or lines Pelican logged), by file, then line, then text."""
    lines = [printable(p if isinstance(p, str) else format_problem(p, root)) for p in problems]

    def order(line):
        match = re.match(r"(.*?)(?::(\d+))?: (.*)", line)
        return (match.group(1), int(match.group(2) or 0), match.group(3)) if match else (line, 0, "")

    return sorted(dict.fromkeys(lines), key=order)


def stop_build(problems, root, stream=None):
    """Print one line per problem (a Problem, or a message Pelican logged) and stop the build."""
    stream = stream or sys.stderr
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    stream.write(f"The site was not built: {count} {noun} in the content. Fix each line below and build again.\n")
    for line in formatted(problems, root):
        stream.write(f"  {line}\n")
    stream.flush()
    raise ContentError(f"{count} {noun} in the content (listed above); nothing was written.")


def finish_check(errors, warnings, root, stream=None):
    """`invoke check`: errors, then warnings apart, one line each; exit 1 when there are errors."""
    stream = stream or sys.stdout
    for line in formatted(errors, root):
        stream.write(f"{line}\n")
    if warnings:
        stream.write("\nWarnings (the site still builds):\n")
        for line in formatted(warnings, root):
            stream.write(f"{line}\n")
    stream.write(
        f"\n{len(errors)} error{'s' * (len(errors) != 1)}, {len(warnings)} warning{'s' * (len(warnings) != 1)}.\n"
    )
    stream.flush()
    raise SystemExit(1 if errors else 0)


# --- GitHub annotations (`invoke check --github`, in CI) ---------------------------------------

_CHECK_LINE = re.compile(r"(?P<path>.+?)(?::(?P<line>\d+))?: (?P<rest>.*)")
_FIELD = re.compile(r"[A-Z][A-Za-z0-9_]*")  # a field as editors write it: Date, Case_status, Body
_SUMMARY = re.compile(r"\d+ errors?, \d+ warnings?\.")


def _github_data(text):
    """A workflow command's message, escaped as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text):
    """A workflow command's property value (file=, title=): the message's escapes, and : and ,."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(output, prefix="", is_file=os.path.isfile):
    """`invoke check`'s output (finish_check's lines) as GitHub workflow commands, one per problem:
    `::error file=PATH,line=N,title=FIELD::message` for errors, `::warning ...` for the warnings,
    which GitHub shows on that line of the file in a pull request (README.md, "CI").

    prefix: what to put before a problem's path to make it relative to the repository (the
    content folder's parent); is_file(path): whether a path is a file there, or else the line names
    no file (a message Pelican logged) and its annotation goes on no file."""
    commands, level = [], "error"
    for raw in output.splitlines():
        line = raw.strip()
        if not line or _SUMMARY.fullmatch(line):
            continue
        if line.startswith("Warnings (the site still builds)"):
            level = "warning"
            continue
        match = _CHECK_LINE.fullmatch(line)
        path = os.path.join(prefix, match["path"]).replace(os.sep, "/") if match else ""
        if not match or not is_file(path):
            commands.append(f"::{level} title={_github_property('Content check')}::{_github_data(line)}")
            continue
        field, _, message = match["rest"].partition(": ")
        if not (message and _FIELD.fullmatch(field)):
            field, message = "", match["rest"]
        properties = [f"file={_github_property(path)}"]
        if match["line"]:
            properties.append(f"line={match['line']}")
        properties.append(f"title={_github_property(field or 'Content check')}")
        commands.append(f"::{level} {','.join(properties)}::{_github_data(message)}")
    return commands
