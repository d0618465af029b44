"""Dependencies: CI audits the pinned set with pip-audit and fails on a known vulnerability.

``.ci/audit_dependencies.py`` reads pip-audit's report; the tests feed it reports
(offline) and, where the package index's vulnerability data can be reached, run pip-audit
for real on a Django release with published advisories.
"""

import importlib.metadata
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


REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-]+(?:\[[a-z,]+\])?)==([\w.+\-]+)(?: ;.*)? \\$")
HASH = re.compile(r"^    --hash=sha256:[0-9a-f]{64}(?: \\)?$")


def pins(name: str) -> dict[str, str]:
    """{distribution: version} of a compiled requirements file, each checked to be pinned
    exactly and followed by its hashes."""
    found, lines = {}, (ROOT / name).read_text().splitlines()
    for index, line in enumerate(lines):
        if not line or line.lstrip().startswith(("#", "--hash")):
            continue
        match = REQUIREMENT.match(line)
        assert match, f"{name}:{index + 1} is not pinned exactly with hashes: {line!r}"
        assert HASH.match(lines[index + 1]), f"{name}:{index + 1} {line!r} has no hash"
        found[normalise(match.group(1))] = match.group(2)
    return found


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def test_ci_audits_both_sets_and_every_requirement_is_pinned_with_hashes():
    ci = (ROOT / ".ci" / "run").read_text()

    assert ".ci/audit_dependencies.py requirements.txt" in ci
    assert ".ci/audit_dependencies.py requirements-dev.txt" in ci
    assert "PIP_AUDIT_REQUIRED" in ci
    runtime, development = pins("requirements.txt"), pins("requirements-dev.txt")
    assert "pip-audit" in development
    # The two sets agree wherever they share a package.
    shared = runtime.keys() & development.keys()
    assert {name: development[name] for name in shared} == {name: runtime[name] for name in shared}


def test_production_installs_no_test_or_development_tool():
    runtime = pins("requirements.txt")

    tools = {"pytest", "pytest-django", "playwright", "schemathesis", "hypothesis", "ruff"}
    tools |= {"factory-boy", "faker", "pip-audit", "mutmut", "coverage", "uv"}
    assert tools & runtime.keys() == set()


def test_every_third_party_module_the_app_imports_is_in_the_runtime_set():
    runtime = pins("requirements.txt")
    distributions = importlib.metadata.packages_distributions()
    imported = set()
    for package in ("config", "core", "enterprises", "programmes"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                source = path.read_text()
                imported |= set(re.findall(r"^(?:from|import) ([a-z_]+)", source, re.M))
    third_party = {
        module: {normalise(name) for name in distributions[module]}
        for module in imported
        if module in distributions
    }

    missing = {module: names for module, names in third_party.items() if not names & runtime.keys()}
    assert missing == {}
    assert {"django", "rest_framework", "health_check"} <= third_party.keys()


def test_uploaded_sheets_are_parsed_by_defusedxml_a_pinned_runtime_dependency():
    import openpyxl

    assert "defusedxml" in pins("requirements.txt")
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
