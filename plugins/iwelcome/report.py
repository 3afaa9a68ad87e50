"""Stopping a build whose content has problems: one line each, no traceback, nothing written."""

import logging
import os
import re
import sys


class ContentError(Exception):
    """The content has problems; the lines describing them are already printed."""

    exitcode = 1


class HideContentErrorTraceback(logging.Filter):
    """Pelican logs a failed build with its traceback; for a ContentError the lines say it all."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], ContentError):
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


def line_of(path, field):
    """The line where `field:` is written at the top of `path`, or None."""
    pattern = re.compile(rf"^\s*{re.escape(field)}\s*:", re.IGNORECASE)
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    return None  # the metadata block ends at the first blank line
                if pattern.match(line):
                    return number
    except OSError:
        return None
    return None


def format_problem(problem, root):
    """'path:line: Field: message', with the line when the field is written in the file."""
    line = line_of(os.path.join(root, problem.path), problem.field)
    where = f"{problem.path}:{line}" if line else problem.path
    return f"{where}: {problem.field}: {problem.message}"


def stop_build(problems, root, stream=None):
    """Print one line per problem (a Problem, or a message Pelican logged) and stop the build."""
    stream = stream or sys.stderr
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    stream.write(f"The site was not built: {count} {noun} in the content. Fix each line below and build again.\n")
    for problem in problems:
        stream.write(f"  {problem if isinstance(problem, str) else format_problem(problem, root)}\n")
    stream.flush()
    raise ContentError(f"{count} {noun} in the content (listed above); nothing was written.")


def finish_check(errors, warnings, root, stream=None):
    """`invoke check`: errors, then warnings apart, one line each; exit 1 when there are errors."""
    stream = stream or sys.stdout
    for problem in errors:
        stream.write(f"{problem if isinstance(problem, str) else format_problem(problem, root)}\n")
    if warnings:
        stream.write("\nWarnings (the site still builds):\n")
        for problem in warnings:
            stream.write(f"{format_problem(problem, root)}\n")
    stream.write(f"\n{len(errors)} error{'s' * (len(errors) != 1)}, {len(warnings)} warning{'s' * (len(warnings) != 1)}.\n")
    stream.flush()
    raise SystemExit(1 if errors else 0)
