"""How long the official documents take to render and issue.

Run from the repository root (a throwaway SQLite database and storage are created and
removed):

    .venv/bin/python bench/documents.py [--certificates 1000] [--repeat 5]

It sets up the bureau as issuing body with its sample seal, and a designation call
with ``--certificates`` granted applications (each of its own enterprise, with the
typed detail a certificate prints). Then it measures

* one certificate: composed from the records and rendered to PDF (WeasyPrint, Noto
  CJK, the seal and the QR code), the median of ``--repeat`` renderings;
* one public notice listing 100 applications, the same way;
* the batch: ``manage.py issue_certificates CALL --progress`` in a child process, which
  numbers, renders, hashes and stores a certificate for every granted application
  (``documents.issuing.grant_documents_issue``), wall-clock time.

The figures go to docs/benchmarks.md (Official documents).
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        os.environ["PRIVATE_MEDIA_ROOT"] = f"{scratch}/media"
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.documents_settings"
        import django

        django.setup()
        run(options)


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(options) -> None:
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from pypdf import PdfReader

    call_command("migrate", verbosity=0)

    from documents.compose import Subject, compose
    from documents.models import Document, IssuingBody, Kind
    from documents.rendering import Rendition, render_pdf
    from documents.seal import sample_seal_png
    from documents.services import format_number
    from programmes.models import Kind as ProgrammeKind
    from programmes.models import Level
    from programmes.workflow import Status
    from tests import factories

    body = IssuingBody(
        name="嘉兴市经济和信息化局",
        header="嘉兴市经济和信息化局文件",
        prefix="嘉经信",
        signature="嘉兴市经济和信息化局",
        contact="联系人：王某 电话：0573-82000000",
        is_default=True,
    )
    body.seal.save("seal.png", ContentFile(sample_seal_png(body.name)), save=False)
    body.save()
    programme = factories.ProgrammeFactory(
        code="bench-centres",
        name="企业技术中心",
        kind=ProgrammeKind.DESIGNATION,
        level=Level.MUNICIPAL,
    )
    call = factories.CallFactory(programme=programme, code="bench-centres-2026", year=2026)
    started = time.perf_counter()
    applications = []
    for number in range(options.certificates):
        application = factories.ApplicationFactory(
            call=call, status=Status.GRANTED, title=f"企业技术中心认定申请{number + 1}"
        )
        detail = application.detail
        for name, value in factories.COMPLETE_DETAIL[application.kind].items():
            setattr(detail, name, value)
        detail.save()
        applications.append(application)
    print(
        f"set up {len(applications):,} granted designations in "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    on = date(2026, 9, 28)

    def render(subject):
        content = compose(subject, body)
        return render_pdf(Rendition(subject.kind, content, format_number("嘉经信", 2026, 1)))

    certificate = Subject(kind=Kind.CERTIFICATE, on=on, application=applications[0])
    render(certificate)  # warm-up: fonts loaded, templates compiled
    one = timed(lambda: render(certificate), options.repeat)
    notice = Subject(kind=Kind.PUBLIC_NOTICE, on=on, call=call, applications=applications[:100])
    pages = len(PdfReader(io.BytesIO(render(notice))).pages)
    hundred = timed(lambda: render(notice), options.repeat)

    env = {**os.environ}
    command = [
        sys.executable, "manage.py", "issue_certificates", call.code, "--progress",
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603
    batch = time.perf_counter() - started
    issued = Document.objects.filter(kind=Kind.CERTIFICATE).count()

    print()
    print(f"one certificate (compose + render)  {one * 1000:8.0f} ms  median of {options.repeat}")
    print(
        f"one public notice of 100 rows ({pages} pages)  {hundred * 1000:8.0f} ms"
        f"  median of {options.repeat}"
    )
    print(
        f"issue_certificates, {issued:,} certificates  {batch:8.1f} s   "
        f"{batch / max(issued, 1) * 1000:.0f} ms each, numbered, rendered, hashed, stored"
    )


if __name__ == "__main__":
    main()
