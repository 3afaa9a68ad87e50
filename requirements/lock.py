"""Write the locks of pyproject.toml's dependency groups: requirements/build.txt, deploy.txt, hooks.txt, test.txt.

    .venv/bin/python requirements/lock.py [--upgrade]

Each lock pins every package its group installs, dependencies of dependencies included, as pip
resolves them on this machine (pip install --dry-run --report). The test group is resolved first,
keeping the versions its lock already has for everything pyproject.toml does not pin (--upgrade:
the newest that fit); build, deploy and hooks are then resolved within it, so that the locks never
pin one package at two versions. tasks.py installs these files; tests/test_bootstrap.py checks
them against pyproject.toml.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "requirements"
LOCKED = ("test", "build", "deploy", "hooks")  # test first: the others are resolved within it


def dependency_groups(pyproject=ROOT / "pyproject.toml"):
    """{group: [requirement strings]} with every include-group expanded (PEP 735)."""
    table = tomllib.loads(pyproject.read_text(encoding="utf-8"))["dependency-groups"]
    groups = {canonicalize_name(name): entries for name, entries in table.items()}

    def expand(name, seen=()):
        if name in seen:
            raise ValueError(f"dependency group {name} includes itself")
        found = []
        for entry in groups[name]:
            if isinstance(entry, str):
                found.append(entry)
            else:
                found.extend(expand(canonicalize_name(entry["include-group"]), (*seen, name)))
        return found

    return {name: expand(name) for name in groups}


def read_lock(path):
    """{canonical name: Requirement} of a lock file (comments and blank lines skipped)."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def resolve(requirements, constraints):
    """pip's resolution of the requirements in an empty environment: the report's `install` list."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "in.txt").write_text("\n".join(requirements) + "\n", encoding="utf-8")
        (scratch / "constraints.txt").write_text("\n".join(constraints) + "\n", encoding="utf-8")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                "--disable-pip-version-check",
                "--report",
                scratch / "report.json",
                "-r",
                scratch / "in.txt",
                "-c",
                scratch / "constraints.txt",
            ],
            check=True,
        )
        report = json.loads((scratch / "report.json").read_text(encoding="utf-8"))
    return report


def lock_lines(report, requirements):
    """One `name==version  # why` line per package, sorted: why = the group, or what pulls it in."""
    items = {canonicalize_name(item["metadata"]["name"]): item for item in report["install"]}
    direct = {canonicalize_name(Requirement(r).name): Requirement(r) for r in requirements}
    extras = {name: set(req.extras) for name, req in direct.items()}
    environment = {**default_environment(), **report["environment"]}
    pulled_by = {name: set() for name in items}
    changed = True
    while changed:  # extras asked for by a dependency can pull in more: repeat until nothing changes
        changed = False
        for name, item in items.items():
            for line in item["metadata"].get("requires_dist", []):
                requirement = Requirement(line)
                target = canonicalize_name(requirement.name)
                wanted = requirement.marker is None or any(
                    requirement.marker.evaluate({**environment, "extra": extra})
                    for extra in {"", *extras.get(name, ())}
                )
                if wanted and target in items:
                    if item["metadata"]["name"] not in pulled_by[target]:
                        pulled_by[target].add(item["metadata"]["name"])
                        changed = True
                    if not requirement.extras <= extras.setdefault(target, set()):
                        extras[target] |= requirement.extras
                        changed = True
    lines = []
    for name in sorted(items):
        metadata = items[name]["metadata"]
        wanted = sorted(direct[name].extras) if name in direct else []
        pin = f"{metadata['name']}{'[' + ','.join(wanted) + ']' if wanted else ''}=={metadata['version']}"
        why = "pyproject.toml" if name in direct else "via " + ", ".join(sorted(pulled_by[name], key=str.lower))
        lines.append(f"{pin:<40}  # {why}")
    return lines


def write_lock(group, lines, report):
    environment = report["environment"]
    header = [
        f"# The {group} group of pyproject.toml with every dependency pinned: what `python3 tasks.py`",
        "# installs into .venv/. Written by requirements/lock.py: change pyproject.toml, then run",
        f"# `.venv/bin/python requirements/lock.py`; do not edit by hand. Resolved by pip {report['pip_version']}",
        f"# for {environment['implementation_name']} {environment['python_version']} "
        f"on {environment['sys_platform']} {environment['platform_machine']}.",
    ]
    (HERE / f"{group}.txt").write_text("\n".join(header + lines) + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--upgrade", action="store_true", help="the newest versions that fit, for what pyproject.toml does not pin"
    )
    upgrade = parser.parse_args().upgrade
    groups = dependency_groups()
    for group in LOCKED:
        requirements = list(dict.fromkeys(groups[group]))
        if group == "test":
            direct = {canonicalize_name(Requirement(r).name) for r in requirements}
            lock = HERE / "test.txt"
            kept = read_lock(lock) if lock.exists() and not upgrade else {}
            constraints = [f"{req.name}{req.specifier}" for name, req in kept.items() if name not in direct]
        else:  # within the test lock just written
            constraints = [f"{req.name}{req.specifier}" for req in read_lock(HERE / "test.txt").values()]
        report = resolve(requirements, constraints)
        lines = lock_lines(report, requirements)
        write_lock(group, lines, report)
        print(f"requirements/{group}.txt: {len(lines)} packages")


if __name__ == "__main__":
    main()
