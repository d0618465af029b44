"""Audit the pinned requirements for known vulnerabilities (pip-audit) and say what happened.

    .venv/bin/python .ci/audit_dependencies.py [requirements.txt] [--report REPORT.json]

Exit status:
  0  every pinned package was checked and none has a known vulnerability;
  1  a pinned package has a known vulnerability (listed with the versions that fix it);
  3  some packages could not be checked (the vulnerability service was unreachable
     or did not know them). pip-audit alone would print "No known vulnerabilities
     found" and pass; this script names the packages instead. ``.ci/run`` turns 3
     into a loud warning, or into a failure when PIP_AUDIT_REQUIRED=1.

``--report`` reads a pip-audit JSON report instead of running pip-audit (tests).
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

VULNERABLE, UNCHECKED = 1, 3
SHOWN = 5  # unchecked packages listed by name; the rest are counted


def summarise(report: dict) -> tuple[list[dict], list[dict], int]:
    """(vulnerable packages, packages that could not be checked, packages checked)."""
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    unchecked = [dep for dep in dependencies if dep.get("skip_reason")]
    return vulnerable, unchecked, len(dependencies) - len(unchecked)


def run_pip_audit(requirements: Path) -> tuple[dict | None, str]:
    """pip-audit's JSON report for a fully pinned file (no resolver, no installs)."""
    with tempfile.TemporaryDirectory() as work:
        output = Path(work) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--desc",
            "off",
            "--format",
            "json",
            "--output",
            str(output),
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if output.exists() and output.stat().st_size:
            return json.loads(output.read_text()), completed.stderr
        return None, completed.stderr or completed.stdout


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", nargs="?", default="requirements.txt")
    parser.add_argument("--report", help="Read this pip-audit JSON report instead of running it.")
    args = parser.parse_args(argv)

    if args.report:
        report, errors = json.loads(Path(args.report).read_text()), ""
    else:
        report, errors = run_pip_audit(Path(args.requirements))
    if report is None:
        print("pip-audit: NOT AUDITED — pip-audit could not run:", file=sys.stderr)
        print(errors.strip(), file=sys.stderr)
        return UNCHECKED

    vulnerable, unchecked, checked = summarise(report)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(
                f"VULNERABLE {dep['name']}=={dep.get('version')}: {vuln['id']} (fixed in {fixes})"
            )
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} pinned package(s) have known vulnerabilities.")
        return VULNERABLE
    if unchecked:
        print(
            f"pip-audit: NOT AUDITED — {len(unchecked)} of {len(unchecked) + checked} pinned "
            "packages could not be checked against the vulnerability database:",
            file=sys.stderr,
        )
        for dep in unchecked[:SHOWN]:
            print(f"  {dep['name']}: {dep['skip_reason']}", file=sys.stderr)
        if len(unchecked) > SHOWN:
            print(f"  ... and {len(unchecked) - SHOWN} more", file=sys.stderr)
        return UNCHECKED
    print(f"pip-audit: {checked} pinned packages checked, no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
