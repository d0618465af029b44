"""Dependencies: CI audits the pinned set with pip-audit and fails on a known vulnerability.

``.ci/audit_dependencies.py`` reads pip-audit's report; the tests feed it reports
(offline) and, where the package index's vulnerability data can be reached, run pip-audit
for real on a Django release with published advisories.
"""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "audit_dependencies.py"


def load_script():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(tmp_path, dependencies):
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    return str(path)


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "3.2",
    "vulns": [{"id": "PYSEC-2021-9", "fix_versions": ["3.2.1"], "aliases": []}],
}
UNCHECKED = {"name": "asgiref", "skip_reason": "Dependency not found on PyPI"}


def test_a_known_vulnerability_fails_the_audit(tmp_path, capsys):
    status = load_script().main(["--report", report(tmp_path, [CLEAN, VULNERABLE])])

    assert status == 1
    assert "VULNERABLE django==3.2: PYSEC-2021-9 (fixed in 3.2.1)" in capsys.readouterr().out


def test_packages_that_could_not_be_checked_are_named_not_passed(tmp_path, capsys):
    status = load_script().main(["--report", report(tmp_path, [CLEAN, UNCHECKED])])

    assert status == 3
    err = capsys.readouterr().err
    assert "NOT AUDITED" in err and "asgiref" in err


def test_a_clean_report_passes(tmp_path, capsys):
    assert load_script().main(["--report", report(tmp_path, [CLEAN])]) == 0
    assert "no known vulnerabilities" in capsys.readouterr().out


def test_ci_runs_the_audit_and_pip_audit_is_pinned():
    ci = (ROOT / ".ci" / "run").read_text()
    requirements = (ROOT / "requirements.txt").read_text()

    assert ".ci/audit_dependencies.py requirements.txt" in ci
    assert "PIP_AUDIT_REQUIRED" in ci
    assert re.search(r"^pip-audit==\d+\.\d+\.\d+$", requirements, re.MULTILINE)
    # Every requirement is pinned exactly: pip-audit checks those versions, not ranges.
    lines = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    assert all(re.match(r"^[A-Za-z0-9_.\-]+==[\w.+\-]+$", line) for line in lines), lines


def test_uploaded_sheets_are_parsed_by_defusedxml_a_pinned_runtime_dependency():
    import openpyxl

    requirements = (ROOT / "requirements.txt").read_text()
    runtime = requirements.split("# Security: pip-audit")[0]
    assert re.search(r"^defusedxml==\d+\.\d+\.\d+$", runtime, re.MULTILINE)
    assert openpyxl.DEFUSEDXML  # openpyxl found it and parses through it


def test_pip_audit_fails_on_a_release_with_published_advisories(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Django==3.2\n")

    result = subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT), str(requirements)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    if result.returncode == 3:  # the script's "could not check" status
        pytest.skip("the package index's vulnerability data is not reachable from here")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "VULNERABLE django==3.2" in result.stdout
