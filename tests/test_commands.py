"""Every management command of the project answers --help (argparse needs plain strings)."""

import io

import pytest
from django.core.management import get_commands, load_command_class

OWN = sorted(
    (app, name)
    for name, app in get_commands().items()
    if app in {"core", "enterprises", "programmes"}
)


@pytest.mark.parametrize(("app", "name"), OWN)
def test_help_prints(app, name):
    command = load_command_class(app, name)
    parser = command.create_parser("manage.py", name)
    out = io.StringIO()
    parser.print_help(out)
    # The description is printed (argparse re-wraps it): the command explains itself.
    assert command.help.strip()
    assert " ".join(command.help.split())[:40] in " ".join(out.getvalue().split())


def test_the_project_has_its_commands():
    assert {name for _app, name in OWN} >= {
        "setup_demo",
        "send_reminders",
        "generate_demo_data",
        "backup",
        "restore",
        "import",
        "sheet_template",
    }
