"""A deterministic synthetic corpus for benchmarks: N articles of three types with a realistic
spread of topics and countries (a few common, many rare), dates over fifteen years, and
calls to action. The same seed always gives the same corpus.

`entries(n)` gives plain metadata; `write_site(n, folder)` writes it as a content folder
(Markdown with ~600-word bodies, links and quotes) that Pelican can build.
"""

import random
from datetime import date, timedelta

TYPES = [("press-releases", 0.2), ("updates", 0.6), ("case-studies", 0.2)]
SINGULAR = {"press-releases": "press-release", "updates": "update", "case-studies": "case-study"}
TOPICS = [
    "Asylum",
    "Detention",
    "Children",
    "Resettlement",
    "Safe routes",
    "Responsibility sharing",
    "Health care",
    "Deportation",
    "Family separation",
    "Border violence",
    "Legal aid",
    "Housing",
    "Education",
    "Labour rights",
    "Statelessness",
    "Climate displacement",
    "Gender-based violence",
    "LGBTI refugees",
    "Unaccompanied minors",
    "Humanitarian visas",
    "Family reunion",
    "Sea rescue",
    "Camps",
    "Xenophobia",
    "Integration",
    "Funding",
    "Torture survivors",
    "Trafficking",
    "Documentation",
    "Mental health",
    "Interpreters",
    "Work permits",
    "Digital privacy",
    "Courts",
    "Policing",
    "Elections",
    "Faith groups",
    "Sponsorship",
    "Hosting",
    "Language",
]
COUNTRIES = [
    "United States",
    "Mexico",
    "El Salvador",
    "Honduras",
    "Guatemala",
    "Syria",
    "Lebanon",
    "Jordan",
    "Turkey",
    "Greece",
    "Italy",
    "Germany",
    "Afghanistan",
    "Pakistan",
    "Iran",
    "Iraq",
    "Yemen",
    "Sudan",
    "South Sudan",
    "Ethiopia",
    "Eritrea",
    "Somalia",
    "Kenya",
    "Uganda",
    "Libya",
    "Nigeria",
    "Myanmar",
    "Bangladesh",
    "Venezuela",
    "Colombia",
    "Ukraine",
    "Poland",
    "Hungary",
    "Spain",
    "France",
    "United Kingdom",
    "Australia",
    "Indonesia",
    "Malaysia",
    "Thailand",
    "Haiti",
    "Nicaragua",
    "Cuba",
    "Chad",
    "Niger",
    "Mali",
    "DR Congo",
    "Burundi",
    "Rwanda",
    "Tanzania",
    "Egypt",
    "Tunisia",
    "Morocco",
    "Algeria",
    "Sri Lanka",
    "Nepal",
    "India",
    "China",
    "Russia",
    "Georgia",
]
KINDS = ["petition", "letter", "call", "donate", "event", "signup"]
TITLE_WORDS = ["Families", "Children", "Survivors", "Communities"]
WORDS = (  # noqa: SIM905 - a sentence, split: easier to read than fifty quoted words
    "people who flee war and persecution have the right to ask for protection and to be treated with dignity while "
    "their claims are heard governments must share responsibility open safe routes and stop detaining children at "
    "borders communities across the country welcome families and help them rebuild their lives"
).split()


def _zipf_choice(rng, items, k):
    weights = [1 / (i + 1) for i in range(len(items))]
    chosen = []
    while len(chosen) < k:
        item = rng.choices(items, weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def entries(n, seed=2016):
    """n article metadata dicts, newest first is not guaranteed: dates are random."""
    rng = random.Random(seed)
    start = date(2011, 1, 1)
    result = []
    for i in range(n):
        folder = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
        tags = _zipf_choice(rng, TOPICS, rng.choice([1, 2, 2, 3, 3, 4]))
        countries = _zipf_choice(rng, COUNTRIES, rng.choice([0, 1, 1, 1, 2, 2, 3]))
        if folder == "case-studies" and not countries:
            countries = _zipf_choice(rng, COUNTRIES, 1)  # a case study names the person's country
        day = start + timedelta(days=rng.randrange(15 * 365))
        entry = {
            "folder": folder,
            "slug": f"{SINGULAR[folder]}-{i:05d}",
            "title": f"{rng.choice(TITLE_WORDS)} {i}: {' '.join(rng.sample(WORDS, 5))}",
            "date": day,
            "tags": tags,
            "countries": countries,
        }
        if folder == "press-releases":
            entry["location"] = rng.choice(["Washington", "New York", "San Francisco", "Chicago"])
        if folder == "case-studies":
            entry["person"] = f"Person {i}"
            entry["case_status"] = rng.choice(["detained", "at-risk", "released", "resolved"])
        result.append(entry)
    return result


def actions(n_articles, seed=2016):
    """About one call to action per 100 articles, targeted like real ones."""
    rng = random.Random(seed + 1)
    result = []
    for i in range(max(3, n_articles // 100)):
        kind = KINDS[i % len(KINDS)]
        result.append(
            {
                "slug": f"action-{i:04d}",
                "kind": kind,
                "title": f"Act now {i}",
                "button": "Take action",
                "url": f"https://act.example.org/{i}",
                "tags": _zipf_choice(rng, TOPICS, 1),
                "countries": _zipf_choice(rng, COUNTRIES, rng.choice([0, 1])),
                "priority": rng.randrange(3),
                "goal": 10000 if kind == "petition" else None,
                "signatures": rng.randrange(15000) if kind == "petition" else None,
            }
        )
    return result


def _body(rng, entry, others):
    paragraphs = []
    for p in range(8):
        words = [rng.choice(WORDS) for _ in range(70)]
        words[0] = words[0].capitalize()
        text = " ".join(words) + "."
        if p == 2 and others:
            other = rng.choice(others)
            text += f" Read [the related story]({{filename}}/{other['folder']}/{other['slug']}.md)."
        if p == 4:
            text = "> " + text
        if p == 6:
            text += " See [the campaign's own report](https://example.org/report) for more."
        paragraphs.append(text)
    return "\n\n## What happened\n\n".join(["\n\n".join(paragraphs[:4]), "\n\n".join(paragraphs[4:])])


def write_site(n, folder, seed=2016):
    """Write n articles and their actions under `folder` (a content directory); return it."""
    from pathlib import Path

    rng = random.Random(seed + 2)
    folder = Path(folder)
    items = entries(n, seed)
    for entry in items:
        lines = [
            f"Title: {entry['title']}",
            f"Date: {entry['date']:%Y-%m-%d}",
            f"Summary: A short summary of item {entry['slug']} for listings and share cards.",
            f"Tags: {', '.join(entry['tags'])}",
        ]
        if entry["countries"]:
            lines.append(f"Countries: {', '.join(entry['countries'])}")
        for key in ("location", "person", "case_status"):
            if key in entry:
                lines.append(f"{key.capitalize()}: {entry[key]}")
        path = folder / entry["folder"] / f"{entry['slug']}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n\n" + _body(rng, entry, items[:50]) + "\n", encoding="utf-8")
    for action in actions(n, seed):
        lines = [
            f"Title: {action['title']}",
            f"Kind: {action['kind']}",
            f"Button: {action['button']}",
            f"Url: {action['url']}",
            f"Tags: {', '.join(action['tags'])}",
            f"Priority: {action['priority']}",
        ]
        if action["countries"]:
            lines.append(f"Countries: {', '.join(action['countries'])}")
        if action["goal"]:
            lines += [f"Goal: {action['goal']}", f"Signatures: {action['signatures']}"]
        path = folder / "actions" / f"{action['slug']}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n\nA short pitch for this action.\n", encoding="utf-8")
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    (folder / "pages" / "about.md").write_text("Title: About\n\nAbout this synthetic site.\n", encoding="utf-8")
    return folder
