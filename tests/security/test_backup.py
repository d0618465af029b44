"""Nothing lost: ``manage.py backup`` then ``manage.py restore`` into an empty database
gives back every record, field for field, and every attachment, byte for byte."""

import io
import tarfile
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
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
    [archive] = (tmp_path / "backups").glob("programme-desk-*.tar.gz")
    assert str(archive) in out.getvalue()
    return archive


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
    # Not in the archive: PostgreSQL's triggers count the applications as they load.
    assert tally_sums() == before_tally


def test_the_archive_is_private_and_carries_data_files_and_a_manifest(bureau_data, tmp_path):
    archive = backup(tmp_path)

    assert archive.stat().st_mode & 0o077 == 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "data.yaml"} <= set(names)
    assert sorted(name for name in names if name.startswith("media/")) == sorted(
        f"media/{name}" for name in files(bureau_data)
    )


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


def test_restore_refuses_an_archive_that_would_write_outside_its_directory(media, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="../../escaped.txt")

    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(evil))

    assert not (tmp_path.parent / "escaped.txt").exists()


def damaged(archive: Path, tmp_path: Path, *, data: bytes | None = None, drop_file=False) -> Path:
    """A copy of ``archive`` with its data.yaml replaced, or one of its files missing."""
    copy = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        dropped = False
        for member in source.getmembers():
            content = source.extractfile(member) if member.isfile() else None
            if member.name == "data.yaml" and data is not None:
                member.size = len(data)
                content = io.BytesIO(data)
            elif drop_file and not dropped and member.isfile() and member.name.startswith("media/"):
                dropped = True
                continue
            target.addfile(member, content)
    return copy


@pytest.mark.parametrize(
    "damage",
    [
        {"data": b"- model: programmes.application\n  pk: [broken\n"},
        {"data": b"- model: programmes.nosuchmodel\n  pk: 1\n  fields: {}\n"},
        {"drop_file": True},
    ],
    ids=["unreadable records", "unknown model", "a file missing"],
)
def test_a_failed_restore_leaves_the_database_and_the_files_as_they_were(
    bureau_data, tmp_path, damage
):
    archive = backup(tmp_path)
    factories.EnterpriseFactory(name="备份之后新建的企业")
    (bureau_data / "stray.txt").write_text("not in the backup")
    before, before_files, before_tally = snapshot(), files(bureau_data), tally_sums()

    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("restore", str(damaged(archive, tmp_path, **damage)), "--force")

    assert snapshot() == before
    assert files(bureau_data) == before_files
    assert tally_sums() == before_tally
    assert not [p for p in bureau_data.parent.iterdir() if "-restore-" in p.name]


def test_a_forced_restore_counts_the_tally_again(bureau_data, tmp_path):
    before_tally = tally_sums()
    archive = backup(tmp_path)
    call = factories.CallFactory()
    for _ in range(3):
        factories.ApplicationFactory(call=call, status=Status.GRANTED)

    call_command("restore", str(archive), "--force", stdout=StringIO())

    assert tally_sums() == before_tally
