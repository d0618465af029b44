"""A 100,000-row enterprise sheet imported from the command line: time and peak memory.

Run from the repository root; a throwaway database is created, migrated, given the
reference tables (fixtures 01 and 02) and dropped:

    .venv/bin/python bench/import_large.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import_large \\
        .venv/bin/python bench/import_large.py

It writes an xlsx of ``--rows`` enterprises (100,000) as a county's list looks: a
title row and a notes row above the header, a 序号 column, regions written as
嘉兴市桐乡市, as 桐乡市 or as a GB/T 2260 code stored as a number, industry classes as
3061, C3061 or stored as numbers, mobile and landline numbers (some stored as numbers),
email addresses, and trailing blank rows. Then it runs

    manage.py import enterprises FILE --noinput --progress

in a child process, as staff would, and prints the wall-clock time and the child's
peak resident memory (``getrusage``), then checks that every row was written. Each
xlsx reader of ``core.sheets.readers`` is also timed alone over the same file (python-
calamine, which holds the sheet in memory, and openpyxl's streaming read-only mode,
used above ``CALAMINE_MAX_BYTES``).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TITLE = "2025年嘉兴市规模以上工业企业名单"
NOTES = "填报单位（盖章）：嘉兴市经济和信息化局        填报日期：2025年5月20日"
HEADER = [
    "序号",
    "统一社会信用代码",
    "企业名称",
    "所在地区",
    "行业代码",
    "地址",
    "法定代表人",
    "联系人",
    "联系电话",
    "电子邮箱",
    "规模以上企业",
]


def reference_values():
    """County-level regions (full name, short name, code) and industry classes."""
    regions = json.loads((ROOT / "fixtures" / "01_regions.json").read_text())
    names = {row["fields"]["code"]: row["fields"]["name"] for row in regions}
    counties = []
    for row in regions:
        fields = row["fields"]
        if fields["level"] in {"province", "city"} or not fields["is_statistical_code"]:
            continue
        city = names[fields["parent"][0]]
        counties.append((city + fields["name"], fields["name"], int(fields["code"])))
    short_names = [short for _full, short, _code in counties]
    industries = json.loads((ROOT / "fixtures" / "02_industries.json").read_text())
    classes = [row["fields"]["code"] for row in industries if row["fields"]["level"] == "class"]
    letters = {}
    for row in industries:  # a class's section letter, through its division
        fields = row["fields"]
        if fields["level"] == "division":
            letters[fields["code"]] = fields["parent"][0]
    # A short name shared by two counties (鹿城区 is not, but 新城 could be) is refused by
    # design: keep the unique ones for the short-name spelling.
    unique_short = {short for short in short_names if short_names.count(short) == 1}
    return counties, unique_short, classes, letters


def credit_code(n: int) -> str:
    from core.values import CREDIT_CODE_CHARSET, credit_code_check_character

    body, value = "", n
    for _ in range(9):
        body = CREDIT_CODE_CHARSET[value % 31] + body
        value //= 31
    first17 = f"91330400{body}"
    return first17 + credit_code_check_character(first17)


def write_sheet(path: Path, rows: int, seed: int = 1) -> Path:
    """The county list, written in openpyxl's streaming mode."""
    from openpyxl import Workbook

    counties, unique_short, classes, letters = reference_values()
    generator = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业名单")
    sheet.append([TITLE])
    sheet.append([NOTES])
    sheet.append(HEADER)
    for n in range(1, rows + 1):
        full, short, code = generator.choice(counties)
        region = (full, short if short in unique_short else full, code)[n % 3]
        industry = generator.choice(classes)
        industry = (industry, letters[industry[:2]] + industry, int(industry))[n % 3]
        if n % 4 == 0:
            phone = f"0573-8{n:07d}"
        elif n % 4 == 1:
            phone = 13800000000 + n  # a mobile number stored as a number
        else:
            phone = f"138 {n // 10000:04d} {n % 10000:04d}"
        sheet.append(
            [
                n,
                credit_code(n),
                f"嘉兴测试企业{n:06d}有限公司",
                region,
                industry,
                f"嘉兴市测试路{n}号",
                f"法人{n % 997}",
                f"联系人{n % 991}",
                phone,
                f"office{n}@example.cn" if n % 2 else None,
                "是" if n % 5 else "否",
            ]
        )
    for _blank in range(3):
        sheet.append([None] * len(HEADER))
    workbook.save(path)
    return path


def manage(*args, env, **kwargs):
    return subprocess.run(  # noqa: S603  (this interpreter, our manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, **kwargs
    )


def postgres_database(url: str, *, create: bool) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def run_import(path: Path, env) -> tuple[float, int, int]:
    """The command in a child process: seconds, the child's peak RSS in KiB, exit status."""
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "import",
            "enterprises",
            str(path),
            "--noinput",
            "--progress",
        ],
        env=env,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss, child.returncode


READ = """
import sys, time
from core.sheets import readers
path = sys.argv[1]
started = time.perf_counter()
rows = readers.xlsx_rows(path) if sys.argv[2] == "calamine" else readers.streamed_xlsx_rows(path)
count = sum(1 for _row in rows)
print(f"{count} {time.perf_counter() - started:.2f}")
"""


def measure_readers(path: Path, env) -> dict:
    """Each reader alone over the sheet, in a child process: rows, seconds, peak KiB."""
    figures = {}
    for reader in ("calamine", "openpyxl"):
        child = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", READ, str(path), reader],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        output = child.stdout.read()
        _pid, _status, usage = os.wait4(child.pid, 0)
        rows, seconds = output.split()
        figures[reader] = (int(rows), float(seconds), usage.ru_maxrss)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    arguments = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    database_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="import-large-") as folder:
        folder = Path(folder)
        if not database_url:
            database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
        elif database_url.startswith("postgres"):
            postgres_database(database_url, create=True)
        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        try:
            manage("migrate", "--noinput", "-v", "0", env=env)
            manage(
                "loaddata",
                str(ROOT / "fixtures" / "01_regions.json"),
                str(ROOT / "fixtures" / "02_industries.json"),
                "-v",
                "0",
                env=env,
            )
            started = time.perf_counter()
            path = write_sheet(folder / "企业名单.xlsx", arguments.rows)
            written = time.perf_counter() - started
            print(
                f"{arguments.rows:,} rows written to an xlsx of "
                f"{path.stat().st_size / 2**20:.1f} MiB in {written:.1f} s"
            )
            readers = measure_readers(path, env)
            seconds, peak_kib, status = run_import(path, env)
            count = manage(
                "shell",
                "--no-imports",
                "-c",
                "from enterprises.models import Enterprise; print(Enterprise.objects.count())",
                env=env,
                capture_output=True,
                text=True,
            ).stdout.strip()
        finally:
            if database_url.startswith("postgres"):
                postgres_database(database_url, create=False)
    vendor = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(f"database:        {vendor}")
    print(f"import:          {seconds:.1f} s, {arguments.rows / seconds:,.0f} rows/s")
    print(f"peak RSS:        {peak_kib / 1024:.0f} MiB (the import's process)")
    print(f"enterprises:     {count} written, exit status {status}")
    for reader, (rows, read_seconds, read_kib) in readers.items():
        print(
            f"reading alone:   {reader:<8} {read_seconds:6.2f} s, peak RSS "
            f"{read_kib / 1024:.0f} MiB ({rows:,} rows)"
        )
    if status != 0 or count != str(arguments.rows):
        raise SystemExit("the import did not write every row")


if __name__ == "__main__":
    main()
