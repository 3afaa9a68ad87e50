"""The CI workflows hold the deploy credentials: zizmor finds nothing in them, and the rules of
issue 12 hold (README.md, "CI"). Content is built without credentials; only the deploy job gets
AWS access, from GitHub's OIDC role; every action is pinned to a commit.
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
    found = [(name, job_id, job) for name, job_id, job in jobs() if runs(job, r"tasks\.py deploy")]
    assert found, "no job runs `python3 tasks.py deploy`"
    return found


def publish_jobs():
    found = [(name, job_id, job) for name, job_id, job in jobs() if runs(job, r"tasks\.py publish")]
    assert found, "no job runs `python3 tasks.py publish`"
    return found


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
    deployers = {(name, job_id) for name, job_id, _ in deploy_jobs()}
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


def test_the_deploy_job_assumes_the_role_by_oidc():
    for name, job_id, job in deploy_jobs():
        where = f"{name}: {job_id}"
        assert job.get("environment") in ("production", {"name": "production"}), f"{where}: environment: production"
        assert (job.get("concurrency") or {}).get("group") == "deploy-production", f"{where}: concurrency group"
        assert not runs(job, r"tasks\.py publish"), f"{where}: deploy what the build job built"
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
    for name, job_id, job in [*publish_jobs(), *deploy_jobs()]:
        for step in steps(job):
            assert not step.get("uses", "").startswith("actions/cache"), f"{name}: {job_id}: actions/cache (poisoning)"


def test_no_expression_is_pasted_into_a_script():
    for name, job_id, job in jobs():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), (
                f"{name}: {job_id}: {step.get('name') or step['run'][:40]!r}: pass the value through `env:`"
            )
