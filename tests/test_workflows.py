"""The CI workflows hold the deploy credentials: zizmor finds nothing in them, and the rules of
issues 12 and 16 hold (README.md, "CI"). Content is built without credentials; only the deploy
jobs get AWS access, from GitHub's OIDC role (the production role for the live site, the preview
role for previews); every action is pinned to a commit. The content check runs first and speaks
to editors in annotations; the hourly rebuild is a workflow of its own that skips its build only
when told nothing is due, and keeps itself enabled; every pull request of this repository gets a
preview, and one from a fork gets nothing.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
SHA = re.compile(r"[0-9a-f]{40}")


def zizmor():
    """The zizmor pinned in requirements.txt, next to the Python running the tests (.venv/bin/)."""
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent))
    assert found, (
        f"zizmor is not installed next to {sys.executable}: run `python3 tasks.py test` (requirements.txt pins it)"
    )
    return found


def run_zizmor(*options):
    # --offline: no network, no token. --no-config: the audits and their defaults as shipped (a
    # finding can only be set aside by an inline `# zizmor: ignore[...]` comment, with its reason,
    # where it is). --strict-collection: a workflow zizmor cannot parse fails instead of being skipped.
    return subprocess.run(
        [
            zizmor(),
            "--offline",
            "--no-config",
            "--strict-collection",
            "--no-progress",
            "--color",
            "never",
            *options,
            str(WORKFLOWS),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_zizmor_finds_nothing():
    result = run_zizmor("--format", "json")
    findings = json.loads(result.stdout) if result.stdout.strip() else None
    if result.returncode != 0 or findings != []:
        plain = run_zizmor()
        pytest.fail(
            f"zizmor exited {result.returncode} with {len(findings or [])} findings:\n{plain.stdout}\n{plain.stderr}"
        )


def workflows():
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in FILES}


def jobs():
    return [(name, job_id, job) for name, workflow in workflows().items() for job_id, job in workflow["jobs"].items()]


def steps(job):
    return job.get("steps") or []


def runs(job, words):
    return any(re.search(words, step.get("run", "")) for step in steps(job))


def permissions(block):
    """The permissions a `permissions:` value grants, as {scope: level}."""
    if block is None:
        return None
    if isinstance(block, str):  # read-all, write-all
        return {"*": block.removesuffix("-all")}
    return dict(block)


def deploy_jobs():
    """The jobs that deploy the live site (`--help` only installs the deploy group)."""
    found = [(name, job_id, job) for name, job_id, job in jobs() if runs(job, r"tasks\.py deploy(?! --help)")]
    assert found, "no job runs `python3 tasks.py deploy`"
    return found


def preview_jobs():
    """The jobs that deploy or remove a preview."""
    found = [(name, job_id, job) for name, job_id, job in jobs() if runs(job, r"deploy\.py .*--(remove-)?preview ")]
    assert found, "no job runs `deploy.py --preview` or `deploy.py --remove-preview`"
    return found


def publish_jobs():
    """The jobs that build the site for the bucket: the live site (`tasks.py publish`) or a preview."""
    found = [(name, job_id, job) for name, job_id, job in jobs() if runs(job, r"tasks\.py publish|-m pelican ")]
    assert found, "no job runs `python3 tasks.py publish`"
    return found


def callers_of_publish():
    """The jobs that run publish.yml (the live build and deploy) as a reusable workflow."""
    return [
        (name, job_id, job)
        for name, job_id, job in jobs()
        if str(job.get("uses", "")).endswith(".github/workflows/publish.yml")
    ]


def triggers(workflow):
    """The `on:` of a parsed workflow (PyYAML reads the key `on` as True)."""
    value = workflow.get("on", workflow.get(True))
    if isinstance(value, str):
        return {value: None}
    if isinstance(value, list):
        return dict.fromkeys(value)
    return value


def test_the_workflows_are_there():
    assert FILES, f"no workflow in {WORKFLOWS}"


def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment():
    for path in FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = re.match(r"\s*(?:-\s+)?uses:\s*(\S+)(.*)", line)
            if not match:
                continue
            target, rest = match.groups()
            if target.startswith("./"):
                continue  # an action of this repository, at the commit being run
            where = f"{path.name}:{number}: {line.strip()}"
            if target.startswith("docker://"):
                assert "@sha256:" in target, f"{where}: pin the image by digest"
                continue
            ref = target.rpartition("@")[2]
            assert SHA.fullmatch(ref), f"{where}: pin to a full 40-hex commit SHA, not {ref!r}"
            assert re.fullmatch(r"\s*#\s*v\d+(\.\d+)*\b.*", rest), f"{where}: say the version in a comment (# v4.2.2)"
    # The same through the parser, in case a `uses:` is written in another form (flow style, quotes).
    for name, job_id, job in jobs():
        for target in [job.get("uses"), *(step.get("uses") for step in steps(job))]:
            if target and not target.startswith(("./", "docker://")):
                assert SHA.fullmatch(target.rpartition("@")[2]), f"{name}: {job_id}: {target} is not pinned to a commit"


def test_every_checkout_leaves_no_credentials_behind():
    checkouts = 0
    for name, job_id, job in jobs():
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                checkouts += 1
                value = (step.get("with") or {}).get("persist-credentials")
                assert value in (False, "false"), f"{name}: {job_id}: checkout without persist-credentials: false"
    assert checkouts


def test_permissions_are_least_and_only_the_deploy_job_gets_an_id_token():
    deployers = {(name, job_id) for name, job_id, _ in [*deploy_jobs(), *preview_jobs()]}
    callers = {(name, job_id) for name, job_id, _ in callers_of_publish()}
    for name, workflow in workflows().items():
        top = permissions(workflow.get("permissions"))
        assert top is not None, f"{name}: set `permissions: {{}}` (or contents: read) at the top"
        assert set(top.items()) <= {("contents", "read")}, f"{name}: the workflow grants {top} to every job"
    for name, job_id, job in jobs():
        granted = permissions(job.get("permissions"))
        assert granted is not None, f"{name}: {job_id}: give the job its own `permissions:`"
        assert "*" not in granted, f"{name}: {job_id}: {job['permissions']} grants every scope"
        writes = {scope for scope, level in granted.items() if level == "write"}
        if (name, job_id) in deployers:
            assert writes == {"id-token"}, f"{name}: {job_id}: the deploy job needs id-token: write and nothing else"
        elif (name, job_id) in callers:
            # publish.yml's jobs can only narrow what their caller grants: exactly what they need.
            assert granted == {"contents": "read", "id-token": "write"}, f"{name}: {job_id}: {granted}"
        elif (name, job_id) == ("hourly.yml", "keepalive"):
            assert granted == {"actions": "write"}, f"{name}: {job_id}: the keepalive needs actions: write alone"
        else:
            assert not writes, f"{name}: {job_id}: only the deploy job may write ({writes})"


def test_the_production_build_runs_without_deploy_credentials():
    for name, job_id, job in publish_jobs():
        where = f"{name}: {job_id}"
        assert not runs(job, r"tasks\.py deploy"), f"{where}: build and deploy in separate jobs"
        envs = [
            workflows()[name].get("env") or {},
            job.get("env") or {},
            *((step.get("env") or {}) for step in steps(job)),
        ]
        aws = sorted(key for env in envs for key in env if key.startswith("AWS_"))
        assert not aws, f"{where}: the build job has {aws} in its environment"
        text = yaml.safe_dump(job)
        assert "secrets." not in text and "secrets[" not in text, f"{where}: the build job reads secrets"
        assert "aws-actions/" not in text, f"{where}: the build job gets AWS credentials"
        assert "environment" not in job, f"{where}: the build job runs outside the production environment"
        granted = permissions(job.get("permissions")) or {}
        assert "write" not in (granted.get("id-token"), granted.get("*")), (
            f"{where}: the build job can get an OIDC token"
        )
        uploads = [step for step in steps(job) if step.get("uses", "").startswith("actions/upload-artifact@")]
        assert any((step.get("with") or {}).get("include-hidden-files") in (True, "true") for step in uploads), (
            f"{where}: upload output/ with include-hidden-files: true (deploy needs output/.build-manifest.json)"
        )


def environment_name(job):
    value = job.get("environment")
    return value.get("name") if isinstance(value, dict) else value


def test_the_deploy_job_assumes_the_role_by_oidc():
    for name, job_id, job in [*deploy_jobs(), *preview_jobs()]:
        where = f"{name}: {job_id}"
        live = (name, job_id) in {(n, j) for n, j, _ in deploy_jobs()}
        wanted = (
            ("production", "deploy-production")
            if live
            else ("preview", "preview-${{ github.event.pull_request.number }}")
        )
        assert environment_name(job) == wanted[0], f"{where}: environment: {wanted[0]}"
        assert (job.get("concurrency") or {}).get("group") == wanted[1], f"{where}: concurrency group {wanted[1]}"
        assert (job.get("concurrency") or {}).get("cancel-in-progress") is False, (
            f"{where}: a deploy is never cut short"
        )
        assert not runs(job, r"tasks\.py publish|-m pelican"), f"{where}: deploy what the build job built"
        roles = [
            step for step in steps(job) if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
        ]
        assert any((step.get("with") or {}).get("role-to-assume") == "${{ vars.AWS_ROLE_ARN }}" for step in roles), (
            f"{where}: get credentials with configure-aws-credentials, role-to-assume: ${{{{ vars.AWS_ROLE_ARN }}}}"
        )
        assert "secrets." not in yaml.safe_dump(job.get("env") or {}), f"{where}: secrets in the job's env"
        for step in steps(job):
            # The long-lived keys are a fallback: in one step's env, when no role is set.
            if "secrets.AWS_" in yaml.safe_dump(step):
                assert re.fullmatch(r"\s*vars\.AWS_ROLE_ARN\s*==\s*''\s*", str(step.get("if"))), (
                    f"{where}: {step.get('name')!r} uses the long-lived keys even when AWS_ROLE_ARN is set"
                )


def test_no_cache_where_production_is_built_or_deployed():
    for name, job_id, job in [*publish_jobs(), *deploy_jobs(), *preview_jobs()]:
        for step in steps(job):
            assert not step.get("uses", "").startswith("actions/cache"), f"{name}: {job_id}: actions/cache (poisoning)"


def test_no_expression_is_pasted_into_a_script():
    for name, job_id, job in jobs():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), (
                f"{name}: {job_id}: {step.get('name') or step['run'][:40]!r}: pass the value through `env:`"
            )


# --- CI that speaks to editors (issue 16.5) ---------------------------------------------------------


def test_the_check_runs_first_alone_and_the_tests_after_it():
    site = workflows()["site.yml"]
    assert "push" in triggers(site)
    check, test = site["jobs"]["check"], site["jobs"]["test"]
    assert "needs" not in check, "the check waits for nothing"
    assert [step["run"] for step in steps(check) if "tasks.py" in step.get("run", "")] == [
        "python3 tasks.py check --github"
    ], "the check job runs the check and nothing else"
    assert not any("chromium" in step.get("run", "") for step in steps(check)), "nothing the tests need"
    assert test.get("needs") in ("check", ["check"]), "the tests run after the check"
    assert runs(test, r"tasks\.py test")
    assert site["jobs"]["publish"].get("needs") in ("test", ["test"]), "main is published once both pass"


def test_the_hourly_rebuild_is_a_workflow_of_its_own_that_skips_only_when_told_nothing_is_due():
    scheduled = {name for name, workflow in workflows().items() if "schedule" in triggers(workflow)}
    assert scheduled == {"hourly.yml"}, scheduled
    hourly = workflows()["hourly.yml"]
    crons = [entry["cron"] for entry in triggers(hourly)["schedule"]]
    assert crons[0].split()[1:] == ["*", "*", "*", "*"], f"{crons[0]} is not hourly"
    due, publish = hourly["jobs"]["due"], hourly["jobs"]["publish"]
    assert runs(due, r"python3 \.github/scripts/rebuild_due\.py >> \"\$GITHUB_OUTPUT\"")
    assert due["outputs"]["due"] == "${{ steps.due.outputs.due }}"
    assert permissions(due.get("permissions")) == {"contents": "read"} and "environment" not in due
    assert publish.get("needs") in ("due", ["due"])
    assert publish["uses"].endswith(".github/workflows/publish.yml")
    condition = " ".join(publish["if"].split())
    # A failed or skipped check (a run by hand) builds: the build is skipped on exactly one answer.
    assert "!cancelled()" in condition and "github.ref == 'refs/heads/main'" in condition
    assert "!(needs.due.result == 'success' && needs.due.outputs.due == 'false')" in condition, condition


def test_the_hourly_rebuild_keeps_itself_enabled_with_actions_write_alone():
    hourly = workflows()["hourly.yml"]
    keepalive = hourly["jobs"]["keepalive"]
    crons = [entry["cron"] for entry in triggers(hourly)["schedule"]]
    schedule = re.fullmatch(r"github\.event_name == 'schedule' && github\.event\.schedule == '(.+)'", keepalive["if"])
    assert schedule and schedule[1] in crons, "the keepalive runs on a schedule of its own"
    assert len(crons[1].split()) == 5 and crons[1].split()[2:] == ["*", "*", "1"], "weekly: well within 60 days"
    (step,) = steps(keepalive)
    assert "uses" not in step, "no checkout, no action: nothing runs with actions: write but this call"
    assert step["run"] == 'gh api --method PUT "repos/$GITHUB_REPOSITORY/actions/workflows/hourly.yml/enable"'
    assert step["env"] == {"GH_TOKEN": "${{ github.token }}"}


def test_only_publish_yml_builds_and_deploys_the_live_site():
    live = {name for name, _, _ in deploy_jobs()} | {
        name for name, _, job in publish_jobs() if runs(job, r"tasks\.py publish")
    }
    assert live == {"publish.yml"}
    assert set(triggers(workflows()["publish.yml"])) == {"workflow_call"}
    assert {(name, job_id) for name, job_id, _ in callers_of_publish()} == {
        ("site.yml", "publish"),
        ("hourly.yml", "publish"),
    }
    build = workflows()["publish.yml"]["jobs"]["build"]
    deploy = workflows()["publish.yml"]["jobs"]["deploy"]
    # The time the build starts, before it runs, is what the deploy records for the hourly rebuild.
    (step,) = [step for step in steps(build) if "tasks.py publish" in step.get("run", "")]
    assert step["run"].index('built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$GITHUB_OUTPUT"') < step["run"].index(
        "tasks.py publish"
    )
    assert build["outputs"]["built_at"] == f"${{{{ steps.{step['id']}.outputs.built_at }}}}"
    assert deploy["env"]["DEPLOY_BUILT_AT"] == "${{ needs.build.outputs.built_at }}"
    assert deploy["env"]["DEPLOY_COMMIT"] == "${{ github.sha }}"


# --- Previews of every pull request (issue 16.6) ----------------------------------------------------

SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository"
PR_FOLDER = "previews/pr-${{ github.event.pull_request.number }}"


def test_no_workflow_runs_pull_request_code_with_the_base_repository_s_secrets():
    for name, workflow in workflows().items():
        assert not {"pull_request_target", "workflow_run"} & set(triggers(workflow)), name


def test_every_pull_request_of_this_repository_gets_a_preview_and_one_from_a_fork_nothing():
    preview = workflows()["preview.yml"]
    assert set(triggers(preview)) == {"pull_request"}
    assert set(triggers(preview)["pull_request"]["types"]) == {"opened", "synchronize", "reopened", "closed"}
    for job_id, job in preview["jobs"].items():
        assert SAME_REPOSITORY in job["if"], f"preview.yml: {job_id}: a fork's pull request must not run it"
    build, deploy, remove = (preview["jobs"][job_id] for job_id in ("build", "deploy", "remove"))
    assert "github.event.action != 'closed'" in build["if"] and "github.event.action != 'closed'" in deploy["if"]
    assert "github.event.action == 'closed'" in remove["if"]
    # Built with its drafts and embargoed items, noindex on every page, for its own address.
    assert runs(build, r"-m pelican content -s publishconf\.py -o output -e PREVIEW=true NOINDEX=true$")
    assert build["env"]["SITEURL"] == "${{ vars.SITEURL }}/" + PR_FOLDER
    assert deploy["env"]["SITEURL"] == build["env"]["SITEURL"]
    assert deploy.get("needs") in ("build", ["build"])
    # Deployed in its folder, linked from the pull request; removed, folder and all, when it closes.
    for job, option in ((deploy, "--preview"), (remove, "--remove-preview")):
        assert job["env"]["PREVIEW_FOLDER"] == PR_FOLDER
        commands = [step["run"] for step in steps(job) if "deploy.py" in step.get("run", "")]
        assert len(commands) == 2 and all(f'{option} "$PREVIEW_FOLDER"' in command for command in commands)
    assert deploy["environment"] == {"name": "preview", "url": "${{ steps.deploy.outputs.url }}"}
    (link,) = [step for step in steps(deploy) if step.get("id") == "deploy"]
    assert 'echo "url=$SITEURL/" >> "$GITHUB_OUTPUT"' in link["run"]
    checkout = next(step for step in steps(remove) if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ github.event.repository.default_branch }}", "the trusted deploy.py"


# --- The check's annotations (report.py, `invoke check --github`) -----------------------------------


def test_problems_become_annotations_escaped_as_github_requires():
    from iwelcome import report
    from iwelcome.report import github_annotations

    # Escaped as GitHub's runner unescapes: %, CR and LF in the message; also : and , in a property.
    assert report._github_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert report._github_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"

    output = "\n".join(
        [
            "content/updates/a.md:3: Date: '06/12/2026' could be read two ways",
            "content/updates/a.md: Summary: missing; 100% of articles need one",
            "content/up,dates/b:c.md:7: Title: a: b, c",
            "Could not process content/x.md",
            "",
            "Warnings (the site still builds):",
            "content/updates/a.md: Tags: none given",
            "content/updates/a.md: a file the build ignores",
            "",
            "4 errors, 2 warnings.",
        ]
    )
    assert github_annotations(output, is_file=lambda path: path.startswith("content/")) == [
        "::error file=content/updates/a.md,line=3,title=Date::'06/12/2026' could be read two ways",
        "::error file=content/updates/a.md,title=Summary::missing; 100%25 of articles need one",
        "::error file=content/up%2Cdates/b%3Ac.md,line=7,title=Title::a: b, c",
        "::error title=Content check::Could not process content/x.md",
        "::warning file=content/updates/a.md,title=Tags::none given",
        "::warning file=content/updates/a.md,title=Content check::a file the build ignores",
    ]
    assert github_annotations("site/a.md: Date: x", prefix="sub", is_file=lambda path: True) == [
        "::error file=sub/site/a.md,title=Date::x"
    ]


def test_check_github_prints_its_lines_with_commands_stopped_then_one_annotation_per_problem(tmp_path):
    content = tmp_path / "content"
    (content / "updates").mkdir(parents=True)
    (content / "updates" / "a.md").write_text(
        "Title: ::warning::not a command\nDate: 06/12/2026\nSummary: Fine.\nTags: Asylum\n\nText.\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "tasks.py"), "check", "--github", "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    token = re.fullmatch(r"::stop-commands::([0-9a-f]{32})", lines[0])[1]
    end = lines.index(f"::{token}::")
    assert any("updates/a.md:2: Date:" in line for line in lines[1:end]), "the check's own lines, as they are"
    annotations = lines[end + 1 :]
    assert annotations and all(line.startswith(("::error ", "::warning ")) for line in annotations), annotations
    (date,) = [line for line in annotations if "title=Date" in line]
    match = re.fullmatch(r"::error file=(.+),line=2,title=Date::'06/12/2026' could be read two ways.*", date)
    assert match and (ROOT / match[1]).resolve() == (content / "updates" / "a.md").resolve()
