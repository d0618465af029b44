"""The shape the code keeps: roles asked in the access modules only."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "core", "enterprises", "programmes", "aftercare", "documents", "services")

#: Where roles are asked: the access modules, and the group names themselves.
ROLE_HOMES = {
    "enterprises/access.py",
    "core/roles.py",
    "programmes/access.py",
    "documents/access.py",
    "aftercare/access.py",
    "services/access.py",
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


#: The layers, lowest first: a module may import its own layer and those below it only.
#: documents sits on programmes; nothing below it knows of it (programmes reaches it only
#: through what documents registers in ``programmes.hooks``).
LAYERS = ("core", "enterprises", "programmes", "aftercare", "documents")
IMPORT = re.compile(
    r"^\s*(?:from|import)\s+(core|enterprises|programmes|aftercare|documents|services|config)\b",
    re.M,
)
#: The services to enterprises sit on programmes, beside aftercare and documents: they
#: may import core, enterprises and programmes, and no other app imports them.
SERVICES_MAY_IMPORT = {"core", "enterprises", "programmes", "services"}


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_no_layer_imports_one_above_it(layer):
    above = set(LAYERS[LAYERS.index(layer) + 1 :]) | {"config", "services"}
    offenders = [
        f"{relative}: imports {match.group(1)}"
        for relative, text in python_files(layer)
        for match in IMPORT.finditer(text)
        if match.group(1) in above
    ]
    assert offenders == []


@pytest.mark.parametrize("app", [*LAYERS, "services"])
def test_services_import_below_and_nothing_imports_them(app):
    offenders = [
        f"{relative}: imports {match.group(1)}"
        for relative, text in python_files(app)
        for match in IMPORT.finditer(text)
        if (app == "services" and match.group(1) not in SERVICES_MAY_IMPORT)
        or (app != "services" and match.group(1) == "services")
    ]
    assert offenders == []
