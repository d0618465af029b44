"""The shape the code keeps: roles asked in the access modules only."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "enterprises", "programmes")

#: Where roles are asked: the two access modules, and the group names themselves.
ROLE_HOMES = {
    "enterprises/access.py",
    "enterprises/roles.py",
    "programmes/access.py",
}
ROLE_QUESTION = re.compile(
    r"\b(is_bureau_staff|is_county_officer|is_expert|is_applicant|has_role|holds_any"
    r"|holders_of)\b|groups__name"
)


def python_files(*apps: str):
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path.read_text(encoding="utf-8")


def test_roles_are_asked_in_the_access_modules_only():
    offenders = [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in python_files(*APPS)
        if relative not in ROLE_HOMES
        for number, line in enumerate(text.splitlines(), 1)
        if ROLE_QUESTION.search(line)
    ]
    assert offenders == []
