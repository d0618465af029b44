"""The zh-hans catalogue covers every string the project marks for translation.

The sources are copied to a scratch directory and ``makemessages`` is run there
against the committed catalogue, so a string added to code or templates without
a translation, or a translation left fuzzy, fails here without touching ``locale/``.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
SOURCES = [
    "config",
    "core",
    "enterprises",
    "programmes",
    "aftercare",
    "documents",
    "services",
    "templates",
    "static",
]
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")


def msgattrib(po: Path, *flags: str) -> str:
    tool = shutil.which("msgattrib")
    if tool is None:
        pytest.fail("GNU gettext is needed: apt-get install gettext")
    command = [tool, *flags, "--no-wrap", str(po)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


def entries(po: Path, *flags: str) -> str:
    """What ``msgattrib`` selects, without the header entry."""
    blocks = [block for block in msgattrib(po, *flags).split("\n\n") if block.strip()]
    return "\n\n".join(block for block in blocks if 'msgid ""\nmsgstr ""' not in block)


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """The committed catalogue, refreshed from the current sources in a scratch copy."""
    if shutil.which("msgattrib") is None or shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed: apt-get install gettext")
    scratch = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        shutil.copytree(ROOT / name, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
    (scratch / CATALOGUE).parent.mkdir(parents=True)
    shutil.copy(ROOT / CATALOGUE, scratch / CATALOGUE)
    # No settings module: makemessages then works on the scratch directory's locale/.
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=scratch,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
        capture_output=True,
        text=True,
        check=True,
    )
    return scratch / CATALOGUE


def test_no_string_is_untranslated(refreshed):
    missing = entries(refreshed, "--untranslated")
    assert not missing, f"untranslated in zh-hans (run makemessages and translate):\n{missing}"


def test_no_translation_is_fuzzy(refreshed):
    fuzzy = entries(refreshed, "--only-fuzzy")
    assert not fuzzy, f"fuzzy in zh-hans (check and clear the flag):\n{fuzzy}"


def test_the_committed_catalogue_is_up_to_date(refreshed):
    """No msgid the sources no longer use lingers, and none they use is missing."""

    def msgids(po: Path) -> set[str]:
        out = msgattrib(po, "--no-obsolete")
        return {line for line in out.splitlines() if line.startswith(("msgid", "msgctxt"))}

    assert msgids(refreshed) == msgids(ROOT / CATALOGUE)


def test_the_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Programme Desk") == "项目申报管理平台"
