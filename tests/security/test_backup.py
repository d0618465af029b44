"""Nothing lost: ``manage.py backup`` then ``manage.py restore`` into an empty database
gives back every record, field for field, and every attachment, byte for byte; a restore
that fails changes nothing. Each test runs on the database the suite runs on (SQLite, or
PostgreSQL with DATABASE_URL): their dumps and swaps differ."""

import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum

from programmes.management.commands.backup import backed_up_models
from programmes.models import ApplicationTally, Designation, Evaluation, Kind, Level
from programmes.services import application_move
from programmes.workflow import Status
from tests import factories

from .conftest import attach

# Restoring flushes the database: these tests run outside the per-test transaction, and
# the rows migrations made (the role groups) are put back after each.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def media(settings, tmp_path):
    """A private media directory of this test's own, so that the check sees only its files."""
    root = tmp_path / "private_media"
    root.mkdir()
    settings.PRIVATE_MEDIA_ROOT = root
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


@pytest.fixture
def bureau_data(media, region, enterprise, other_enterprise, applicant, officer, staff):
    """Enterprises, applications through the workflow, files, a designation, its evaluation."""
    product_call = factories.CallFactory()
    designation_call = factories.CallFactory(
        programme=factories.ProgrammeFactory(kind=Kind.DESIGNATION)
    )
    product = factories.ready_to_file(
        factories.ApplicationFactory(
            enterprise=enterprise, call=product_call, requested_amount=Decimal("120000.50")
        ),
        document=False,
    )
    attach(product, "检测报告.pdf")
    attach(product, "photo.png", content=PNG)
    application_move(application=product, actor=applicant, move="submit")
    application_move(application=product, actor=officer, move="recommend")
    centre = factories.ApplicationFactory(
        enterprise=other_enterprise, call=designation_call, status=Status.GRANTED
    )
    attach(centre, "certificate.pdf")
    designation = Designation.objects.create(
        application=centre,
        level=Level.PROVINCIAL,
        certificate_number="ZJ-2024-017",
        designated_on=date(2024, 12, 20),
        valid_from=date(2025, 1, 1),
        valid_until=date(2027, 12, 31),
    )
    Evaluation.objects.create(
        designation=designation,
        period="2025",
        evaluated_on=date(2026, 3, 1),
        score=Decimal("91.5"),
        recorded_by=staff,
    )
    application_move(application=centre, actor=staff, move="warn", comment="late report")
    return media


def snapshot():
    """Every row of every backed-up model, field by field, in key order.

    References are compared by natural key where there is one (a permission is
    recreated by migrations under a new id) and many-to-many lists as sets.
    """
    rows = {}
    for model in backed_up_models():
        serialised = serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for row in serialised:
            for name, value in row["fields"].items():
                if isinstance(value, list):
                    row["fields"][name] = sorted(map(repr, value))
        rows[model._meta.label_lower] = serialised
    return rows


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def empty(root: Path):
    """Drop every record and every file: the empty database and volume of a new server."""
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(root.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()


def backup(tmp_path) -> Path:
    out = StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    [archive] = (tmp_path / "backups").glob("programme-desk-*")
    assert str(archive) in out.getvalue()
    return archive


def database_file() -> str:
    return "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftovers(media: Path) -> list[str]:
    """Scratch databases and unpacked folders a restore left behind."""
    found = [p.name for p in media.parent.iterdir() if "-restore-" in p.name]
    if connection.vendor == "postgresql":
        # This test database's own only: other runs may share the server.
        prefix = re.escape(connection.settings_dict["NAME"][:40])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname ~ %s",
                [f"^{prefix}_(restore|replaced)_[0-9a-f]{{12}}$"],
            )
            found += [name for (name,) in cursor.fetchall()]
    return found


def tally_sums():
    """The applications' tally by call, status and kind (kept on PostgreSQL only)."""
    rows = ApplicationTally.objects.values("call_id", "status", "kind").order_by()
    return {
        (row["call_id"], row["status"], row["kind"]): row["total"]
        for row in rows.annotate(total=Sum("count")).filter(total__gt=0)
    }


def test_restore_into_an_empty_database_gives_back_every_record_and_file(bureau_data, tmp_path):
    before, before_files, before_tally = snapshot(), files(bureau_data), tally_sums()
    assert len(before_files) == 3
    assert before["core.auditentry"] and before["programmes.applicationevent"]
    assert before["programmes.historicalapplication"]
    archive = backup(tmp_path)
    empty(bureau_data)
    assert not any(rows for label, rows in snapshot().items() if label != "auth.group")
    assert files(bureau_data) == {}

    out = StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "Restored" in out.getvalue()
    assert snapshot() == before
    assert files(bureau_data) == before_files
    assert tally_sums() == before_tally
    assert leftovers(bureau_data) == []


def test_the_archive_is_private_and_carries_database_files_and_a_manifest(
    bureau_data, tmp_path, client, applicant
):
    client.force_login(applicant)  # a session: sign-in credentials stay out of archives
    archive = backup(tmp_path)

    assert archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o077 == 0
    content = members(archive)
    media = sorted(name for name in content if name.startswith("media/"))
    assert media == sorted(f"media/{name}" for name in files(bureau_data))
    assert set(content) == {"manifest.json", database_file(), *media}
    manifest = json.loads(content["manifest.json"])
    assert manifest["database"]["file"] == database_file()
    tables = manifest["database"]["tables"]
    assert tables["programmes_application"] == 2
    assert tables["core_auditentry"] > 0
    assert tables["django_session"] == 0
    assert manifest["media"] == {name: sha256(data) for name, data in files(bureau_data).items()}
    assert manifest["database"]["sha256"] == sha256(content[database_file()])


def test_restore_refuses_a_database_that_holds_records(bureau_data, tmp_path):
    archive = backup(tmp_path)
    before = snapshot()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))

    assert snapshot() == before


def test_restore_with_force_replaces_what_the_database_holds(bureau_data, tmp_path):
    before, before_files = snapshot(), files(bureau_data)
    archive = backup(tmp_path)
    factories.EnterpriseFactory(name="备份之后新建的企业")
    (bureau_data / "stray.txt").write_text("not in the backup")

    call_command("restore", str(archive), "--force", stdout=StringIO())

    assert snapshot() == before
    assert files(bureau_data) == before_files
    assert leftovers(bureau_data) == []


def test_restore_refuses_an_archive_that_would_write_outside_its_directory(media, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x")
    for name in ("../../escaped.txt", "media/../../../escaped.txt"):
        with tarfile.open(evil, "w:gz") as tar:
            tar.add(payload, arcname=name)

        with pytest.raises(CommandError, match="not a readable backup"):
            call_command("restore", str(evil))

    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not (media.parent.parent / "escaped.txt").exists()
    assert leftovers(media) == []


def damaged(archive: Path, tmp_path: Path, damage: str) -> Path:
    """A copy of ``archive`` damaged one way."""
    content = members(archive)
    manifest = json.loads(content["manifest.json"])
    database = manifest["database"]
    if damage in ("database altered", "database unreadable"):
        content[database["file"]] = b"not a database" * 100
        if damage == "database unreadable":  # the manifest made to match
            database["sha256"] = sha256(content[database["file"]])
    elif damage == "database truncated":
        content[database["file"]] = content[database["file"]][: len(content[database["file"]]) // 2]
        database["sha256"] = sha256(content[database["file"]])
    elif damage == "row counts differ":
        database["tables"]["programmes_application"] += 1
    elif damage == "a file missing":
        del content[next(name for name in content if name.startswith("media/"))]
    elif damage == "a file added":
        content["media/planted.pdf"] = b"%PDF-1.4 not from the backup"
    elif damage == "another database":
        database["vendor"] = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    content["manifest.json"] = json.dumps(manifest).encode()
    copy = tmp_path / "damaged.tar.gz"
    with tarfile.open(copy, "w:gz") as tar:
        for name, data in content.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return copy


@pytest.mark.parametrize(
    "damage",
    [
        "database altered",
        "database unreadable",
        "database truncated",
        "row counts differ",
        "a file missing",
        "a file added",
    ],
)
def test_a_failed_restore_leaves_the_database_and_the_files_as_they_were(
    bureau_data, tmp_path, damage
):
    archive = backup(tmp_path)
    factories.EnterpriseFactory(name="备份之后新建的企业")
    (bureau_data / "stray.txt").write_text("not in the backup")
    before, before_files, before_tally = snapshot(), files(bureau_data), tally_sums()

    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("restore", str(damaged(archive, tmp_path, damage)), "--force")

    assert snapshot() == before
    assert files(bureau_data) == before_files
    assert tally_sums() == before_tally
    assert leftovers(bureau_data) == []


def test_restore_refuses_an_archive_of_another_database_kind(bureau_data, tmp_path):
    archive = damaged(backup(tmp_path), tmp_path, "another database")
    before = snapshot()

    with pytest.raises(CommandError, match="holds a .* database; this one is"):
        call_command("restore", str(archive), "--force")

    assert snapshot() == before
    assert leftovers(bureau_data) == []


def test_restore_refuses_an_archive_from_a_newer_release(bureau_data, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('programmes', '9999_from_a_later_release', CURRENT_TIMESTAMP)"
        )
    archive = backup(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE name = '9999_from_a_later_release'")
    before, before_files = snapshot(), files(bureau_data)

    with pytest.raises(CommandError, match="newer release.*Nothing was changed"):
        call_command("restore", str(archive), "--force")

    assert snapshot() == before
    assert files(bureau_data) == before_files
    assert leftovers(bureau_data) == []


def test_a_forced_restore_gives_back_the_tally_of_the_archive(bureau_data, tmp_path):
    before_tally = tally_sums()
    archive = backup(tmp_path)
    call = factories.CallFactory()
    for _ in range(3):
        factories.ApplicationFactory(call=call, status=Status.GRANTED)

    call_command("restore", str(archive), "--force", stdout=StringIO())

    assert tally_sums() == before_tally


# --- Encrypted archives ---------------------------------------------------------------


def gpg(*arguments: str) -> str:
    return subprocess.run(  # noqa: S603
        ["gpg", "--batch", *arguments],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def keyring(monkeypatch):
    """A GnuPG home of the test's own (a short path: gpg-agent's socket lives in it)."""
    home = Path(tempfile.mkdtemp(prefix="pd-gpg-"))
    monkeypatch.setenv("GNUPGHOME", str(home))
    yield home
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False)  # noqa: S607
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def backup_key(keyring, settings):
    """A key pair in the keyring, without passphrase; backups are encrypted to it."""
    gpg(
        "--passphrase",
        "",
        "--quick-gen-key",
        "Programme Desk backups <backups@example.invalid>",
        "future-default",
        "default",
        "never",
    )
    listing = gpg("--with-colons", "--list-keys")
    fingerprint = next(
        line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")
    )
    settings.BACKUP_GPG_RECIPIENT = fingerprint
    return fingerprint


def test_an_encrypted_archive_restores_with_the_private_key_only(bureau_data, tmp_path, backup_key):
    before, before_files = snapshot(), files(bureau_data)
    archive = backup(tmp_path)
    assert archive.name.endswith(".tar.gz.gpg")
    assert archive.stat().st_mode & 0o077 == 0
    data = archive.read_bytes()
    assert not data.startswith(b"\x1f\x8b")
    assert b"manifest.json" not in data and b"%PDF" not in data
    secret = gpg("--armor", "--export-secret-keys", backup_key)
    gpg("--yes", "--delete-secret-keys", backup_key)
    empty(bureau_data)

    with pytest.raises(CommandError, match="could not be decrypted; nothing was changed"):
        call_command("restore", str(archive))
    assert not any(rows for label, rows in snapshot().items() if label != "auth.group")
    assert leftovers(bureau_data) == []

    subprocess.run(["gpg", "--batch", "--import"], input=secret, text=True, check=True)  # noqa: S607
    call_command("restore", str(archive), stdout=StringIO())

    assert snapshot() == before
    assert files(bureau_data) == before_files


def test_backup_refuses_a_recipient_whose_key_it_does_not_have(
    bureau_data, tmp_path, keyring, settings
):
    settings.BACKUP_GPG_RECIPIENT = "0123456789ABCDEF0123456789ABCDEF01234567"

    with pytest.raises(CommandError, match="no public key"):
        call_command("backup", str(tmp_path / "backups"))

    assert not (tmp_path / "backups").exists()
