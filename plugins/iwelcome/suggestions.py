"""Suggestions, "did you mean ...?": the one place where a name an editor wrote is matched to the closest name
the site knows (a tag, a country, an action, an article, a field, a language, a kind, a status, a
file). Every message that suggests a name asks `closest` or `did_you_mean`, so all of them agree
on what "close" is. Pure functions: tested without a build.
"""

import difflib

CUTOFF = 0.75  # how alike two names must be (difflib's ratio) to suggest one for the other


def closest(word, known, cutoff=CUTOFF, key=str.casefold):
    """The known name most like `word` (compared through `key`: capitals do not count), or None.
    Ties go to the first in sorted order, so the answer never depends on the order of `known`."""
    word_key = key(str(word))
    by_key = {}
    for name in sorted(str(k) for k in known):
        by_key.setdefault(key(name), name)
    guess = difflib.get_close_matches(word_key, sorted(by_key), n=1, cutoff=cutoff)
    return by_key[guess[0]] if guess else None


def did_you_mean(word, known, cutoff=CUTOFF, key=str.casefold):
    """'; did you mean 'x'?' for the closest known name, or '' when none is close."""
    guess = closest(word, known, cutoff, key)
    return f"; did you mean '{guess}'?" if guess is not None else ""


def closest_file(path, files):
    """The file of `files` (paths under content/, 'images/x.png') that a path an editor wrote most
    likely means: one whose path ends the written one ('content/images/x.png') or is ended by it
    ('x.png'), else the closest by `closest`; None when none is close."""
    path = str(path).strip().strip("/")
    if not path:
        return None
    ends = sorted(f for f in files if path.endswith("/" + f) or f.endswith("/" + path))
    return ends[0] if ends else closest(path, files)
