"""How fast the enterprise import is, against the stock resource and a raw bulk_create.

Run from the repository root (a throwaway database is created and dropped):

    .venv/bin/python bench/import_benchmark.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python \
        bench/import_benchmark.py

It generates an xlsx of ``--rows`` enterprises (10,000) whose columns are headed
by their English field names, so that the stock ``modelresource_factory(Enterprise)``
can read the same file: the region and industry columns hold codes (330402,
1741), and the benchmark database gives those regions and industries the same
numbers as primary keys, which is what the stock resource's foreign-key widget
looks up. Then, each starting from an empty table and committing:

* ``EnterpriseResource().import_file`` — the streaming import (checksum, lookups,
  in-file duplicates, existing codes, history rows);
* ``EnterpriseResource().import_data`` on the dataset the ``import`` command and
  admin build with django-import-export's XLSX format;
* the stock ``modelresource_factory(Enterprise)`` through ``import_data``;
* a raw ``bulk_create`` of the same rows read with openpyxl (no checks, no history).

Targets: at least 5× faster than the stock resource and within 3× of the raw
``bulk_create``. Finally ``--memory-rows`` (100,000) measures the peak Python
memory (tracemalloc) of the streaming import at 10,000 and at that many rows.
"""

import argparse
import gc
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

HEADERS = [
    "unified_social_credit_code",
    "name",
    "region",
    "industry",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
]
REGIONS = [330402, 330411, 330421, 330424, 330481, 330482, 330483]
INDUSTRIES = [1741, 1742, 1743, 1771]


def setup_django(sqlite_path: Path):
    import django

    django.setup()
    from django.db import connection

    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = str(sqlite_path)  # a file, as in production, not :memory:
    else:
        test["NAME"] = f"bench_import_{os.getpid()}"
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection, original_name


def seed():
    from enterprises.models import Industry, Region

    province = Region.objects.create(pk=330000, code="330000", name="浙江省", level="province")
    city = Region.objects.create(
        pk=330400, code="330400", name="嘉兴市", level="city", parent=province
    )
    for code in REGIONS:
        Region.objects.create(
            pk=code, code=str(code), name=f"区县{code}", level="district", parent=city
        )
    for code in INDUSTRIES:
        Industry.objects.create(pk=code, code=str(code), name=f"行业{code}", level="class")


def credit_code(n: int) -> str:
    from enterprises.validators import CREDIT_CODE_CHARSET, credit_code_check_character

    body, value = "", n
    for _ in range(9):
        body = CREDIT_CODE_CHARSET[value % 31] + body
        value //= 31
    first17 = f"91330402{body}"
    return first17 + credit_code_check_character(first17)


def write_sheet(path: Path, rows: int, seed_value: int = 1) -> Path:
    from openpyxl import Workbook

    generator = random.Random(seed_value)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for n in range(1, rows + 1):
        sheet.append(
            [
                credit_code(n),
                f"嘉兴测试企业{n:06d}有限公司",
                generator.choice(REGIONS),
                generator.choice(INDUSTRIES),
                f"嘉兴市南湖区测试路{n}号",
                f"法人{n % 997}",
                f"联系人{n % 991}",
                f"138{n:08d}",
            ]
        )
    workbook.save(path)
    return path


def empty_tables():
    from core.models import ImportRecord
    from enterprises.models import Enterprise

    Enterprise.history.all().delete()
    Enterprise.objects.all().delete()
    ImportRecord.objects.all().delete()


def timed(label, function, expected_rows, repeat):
    """The best of ``repeat`` runs, each from empty tables: other processes only add noise."""
    from enterprises.models import Enterprise

    runs = []
    for _ in range(repeat):
        empty_tables()
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        runs.append((time.perf_counter() - started, time.process_time() - cpu_started))
        count = Enterprise.objects.count()
        if count != expected_rows:
            raise SystemExit(f"{label}: expected {expected_rows} enterprises, found {count}")
    seconds, cpu = min(runs)
    print(
        f"  {label:<44} {seconds:8.2f} s  {expected_rows / seconds:8,.0f} rows/s"
        f"  (this process's CPU: {cpu:.2f} s)"
    )
    return seconds


def ours_streaming(path):
    from enterprises.resources import EnterpriseResource

    result = EnterpriseResource().import_file(path)
    if not result.committed:
        raise SystemExit([p.message() for p in result.problems[:5]])


def ours_dataset(path):
    from import_export.formats.base_formats import XLSX

    from enterprises.resources import EnterpriseResource

    dataset = XLSX().create_dataset(path.read_bytes())
    result = EnterpriseResource().import_data(dataset, file_name=path.name)
    if not result.committed:
        raise SystemExit([p.message() for p in result.problems[:5]])


def stock(path):
    from import_export.formats.base_formats import XLSX
    from import_export.resources import modelresource_factory

    from enterprises.models import Enterprise

    dataset = XLSX().create_dataset(path.read_bytes())
    result = modelresource_factory(Enterprise)().import_data(dataset, dry_run=False)
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("the stock import reported errors")


def raw_bulk_create(path):
    from openpyxl import load_workbook

    from enterprises.models import Enterprise

    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = workbook.active.iter_rows(values_only=True)
    next(rows)
    batch = []
    for code, name, region, industry, address, legal, contact, phone in rows:
        batch.append(
            Enterprise(
                unified_social_credit_code=code,
                name=name,
                region_id=region,
                industry_id=industry,
                address=address,
                legal_representative=legal,
                contact_name=contact,
                contact_phone=str(phone),
            )
        )
        if len(batch) == 1000:
            Enterprise.objects.bulk_create(batch)
            batch = []
    Enterprise.objects.bulk_create(batch)
    workbook.close()


def peak_memory(function, path) -> float:
    """Peak memory traced by tracemalloc while ``function(path)`` runs, in MiB."""
    empty_tables()
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    function(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def read_only(path):
    """Only what openpyxl needs to stream the sheet (its shared-strings table)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    for _row in workbook.active.iter_rows(values_only=True):
        pass
    workbook.close()


def run_timings(sheet, workdir, options):
    # Warm up: imports, translation catalogues, the lookups' first queries.
    warm_up = write_sheet(workdir / "warm-up.xlsx", 200, seed_value=2)
    for function in (ours_streaming, stock, raw_bulk_create):
        empty_tables()
        function(warm_up)
    repeat = options.repeat
    ours = timed(
        "EnterpriseResource.import_file (streaming)",
        lambda: ours_streaming(sheet),
        options.rows,
        repeat,
    )
    timed(
        "EnterpriseResource.import_data (tablib)",
        lambda: ours_dataset(sheet),
        options.rows,
        repeat,
    )
    stock_seconds = None
    if not options.skip_stock:
        stock_seconds = timed(
            "stock modelresource_factory(Enterprise)",
            lambda: stock(sheet),
            options.rows,
            repeat,
        )
    raw = timed(
        "raw bulk_create (openpyxl read, no checks)",
        lambda: raw_bulk_create(sheet),
        options.rows,
        repeat,
    )
    if stock_seconds:
        speedup = stock_seconds / ours
        verdict = "OK" if speedup >= 5 else "MISSED"
        print(f"  faster than stock: {speedup:.1f}x (target >= 5x) {verdict}")
    ratio = ours / raw
    verdict = "OK" if ratio <= 3 else "MISSED"
    print(f"  vs raw bulk_create: {ratio:.2f}x the time (target <= 3x) {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--memory-rows", type=int, default=100_000, help="0 to skip")
    parser.add_argument(
        "--repeat", type=int, default=3, help="best of this many runs (0: memory only)"
    )
    parser.add_argument("--skip-stock", action="store_true")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    connection, original_name = setup_django(workdir / "bench.sqlite3")
    try:
        seed()
        if connection.vendor == "sqlite":
            version = ".".join(map(str, connection.Database.sqlite_version_info))
        else:
            version = str(connection.pg_version)
        vendor = f"{connection.vendor} {version}"
        print(f"Database: {vendor} ({connection.settings_dict['NAME']})")
        sheet = write_sheet(workdir / "enterprises.xlsx", options.rows)
        print(f"File: {options.rows:,} enterprises, {sheet.stat().st_size / 2**20:.1f} MiB xlsx")
        if options.repeat:
            run_timings(sheet, workdir, options)
        if options.memory_rows:
            print("Peak memory (tracemalloc):")
            for rows in (options.rows, options.memory_rows):
                path = write_sheet(workdir / f"memory-{rows}.xlsx", rows)
                reading = peak_memory(read_only, path)
                importing = peak_memory(ours_streaming, path)
                print(
                    f"  {rows:>9,} rows: import {importing:6.1f} MiB, of which openpyxl reading "
                    f"the file alone {reading:6.1f} MiB"
                )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS of the whole run: {rss:.0f} MiB")
    finally:
        empty_tables()
        connection.creation.destroy_test_db(original_name, verbosity=0)
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
