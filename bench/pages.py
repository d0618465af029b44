"""Server time and query count of the pages that must stay fast at province scale.

    .venv/bin/python bench/pages.py --db sqlite
    .venv/bin/python bench/pages.py --db postgres
    BENCH_APPLICATIONS=100000 .venv/bin/python bench/pages.py --db sqlite   # a quicker run

Each page is requested in-process through Django's test ``Client`` (no network,
no browser: server time only), ``--repeat`` times after two warm-up requests,
and its queries are counted in one more request with ``CaptureQueriesContext``.
Beside each page its naive baseline (``bench/naive.py``) is measured in the same
run, request for request in alternation with the real page (so that both see the
same background load); the ratio is naive median / real median.

The database is generated once by ``generate_demo_data`` and reused while its
size and seed match (SQLite ``bench/.data/bench.sqlite3``, PostgreSQL database
``programme_desk_bench``); new migrations are applied to it on each run, then
``ANALYZE`` refreshes the planner's statistics.

Results go to stdout as a Markdown table and to ``bench/.data/results-<db>.json``.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_DATA: another place for the cached databases' state and the results (quick trials).
DATA = Path(os.environ.get("BENCH_DATA", ROOT / "bench" / ".data"))
SQLITE_PATH = DATA / "bench.sqlite3"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_NAME = os.environ.get("BENCH_PG_NAME", "programme_desk_bench")
SEED = int(os.environ.get("BENCH_SEED", "1"))
TIME_BUDGET = float(os.environ.get("BENCH_TIME_BUDGET", "60"))  # seconds per page variant


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--applications", type=int, default=int(os.environ.get("BENCH_APPLICATIONS", 1_000_000))
    )
    parser.add_argument(
        "--enterprises", type=int, default=int(os.environ.get("BENCH_ENTERPRISES", 0))
    )
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "30")))
    parser.add_argument("--rebuild", action="store_true", help="Generate the database again.")
    parser.add_argument(
        "--prepare-only", action="store_true", help="Build or migrate the database, then stop."
    )
    args = parser.parse_args()
    args.enterprises = args.enterprises or max(args.applications // 10, 1)
    return args


def configure(args) -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{SQLITE_PATH}" if args.db == "sqlite" else f"{PG_SERVER}/{PG_NAME}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    return url


# --- The benchmark database --------------------------------------------------------------


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def pg_exists() -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]
        ).fetchone()
    return row is not None


def wanted(args) -> dict:
    return {"applications": args.applications, "enterprises": args.enterprises, "seed": SEED}


def state_file(args) -> Path:
    return DATA / f"{args.db}.json"


def prepare_database(args) -> None:
    """Reuse the cached database when it holds what was asked for; else build it."""
    state = state_file(args)
    current = json.loads(state.read_text()) if state.exists() else None
    rebuild = args.rebuild or current != wanted(args)
    if args.db == "postgres" and not pg_exists():
        rebuild = True
    if rebuild:
        state.unlink(missing_ok=True)
        if args.db == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        else:
            pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
            pg_admin(f'CREATE DATABASE "{PG_NAME}"')

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    if not rebuild:
        # Statistics for what migrations just added (an index): SQLite gathers none by
        # itself, and without them its planner may ignore the best index entirely.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if rebuild:
        started = time.monotonic()
        call_command(
            "generate_demo_data",
            enterprises=args.enterprises,
            applications=args.applications,
            seed=SEED,
            force=True,
        )
        print(f"generated in {time.monotonic() - started:.0f} s", file=sys.stderr)
        state.write_text(json.dumps(wanted(args)))


def bench_users():
    """A bureau staff member; an applicant acting for a typical demo enterprise, and one
    acting for a busy enterprise (the least busy that fills a page of "My applications")."""
    from django.contrib.auth.models import Group, User
    from django.db.models import Count

    from core import roles
    from enterprises.models import Enterprise, Membership
    from programmes.models import Application
    from programmes.views.applicant import APPLICATIONS_PER_PAGE

    staff, _ = User.objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    staff.groups.add(Group.objects.get(name=roles.BUREAU_STAFF))
    demo = Enterprise.objects.filter(source=f"generate_demo_data seed {SEED}").order_by("pk")
    # The middle enterprise of the skewed pick files about as often as a typical one.
    typical = demo[demo.count() // 2]
    busy = (
        Application.objects.filter(enterprise__in=demo)
        .values("enterprise")
        .annotate(filed=Count("id"))
        .filter(filed__gte=APPLICATIONS_PER_PAGE)
        .order_by("filed", "enterprise")
        .values_list("enterprise", flat=True)
        .first()
    )
    applicants = []
    for username, enterprise in (("bench-applicant", typical), ("bench-busy-applicant", busy)):
        applicant, _ = User.objects.get_or_create(username=username)
        applicant.groups.add(Group.objects.get(name=roles.APPLICANTS))
        Membership.objects.get_or_create(
            user=applicant,
            enterprise_id=getattr(enterprise, "pk", enterprise),
            defaults={"status": Membership.Status.APPROVED, "role": Membership.Role.OWNER},
        )
        applicants.append(applicant)
    return staff, applicants


# --- Measuring ------------------------------------------------------------------------------


def prepare(client, url: str) -> dict:
    """Two warm-up requests, then one whose queries are counted and timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: the log is cleared again by the next request.
    return {
        "url": url,
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1),
    }


def timed(client, url: str) -> float:
    begin = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - begin) * 1000


def summary(result: dict, times: list[float]) -> dict:
    times = sorted(times)
    return {
        **result,
        "runs": len(times),
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
    }


def measure(client, url: str, naive_url: str | None, repeat: int) -> tuple[dict, dict | None]:
    """Time the page and its baseline alternately, so that both see the same background.

    The baseline stops early once it has used ``BENCH_TIME_BUDGET`` seconds (after at
    least three runs): a naive page that takes 20 s needs no thirty samples.
    """
    real = prepare(client, url)
    naive = prepare(client, naive_url) if naive_url else None
    real_times, naive_times = [], []
    naive_spent = 0.0
    for _ in range(repeat):
        real_times.append(timed(client, url))
        if naive and (len(naive_times) < 3 or naive_spent < TIME_BUDGET * 1000):
            naive_times.append(timed(client, naive_url))
            naive_spent += naive_times[-1]
    return summary(real, real_times), summary(naive, naive_times) if naive else None


class ColdNavigationClient:
    """A client whose every request finds the admin's per-process navigation cache empty
    (as the first page a worker serves to a kind of user, in a language)."""

    def __init__(self, client):
        self.client = client

    def get(self, url):
        from django.contrib import admin

        getattr(admin.site, "_navigation", {}).clear()
        return self.client.get(url)


def filed(applicant) -> int:
    from programmes.models import Application

    return Application.objects.filter(enterprise__memberships__user=applicant).count()


def result_rows(response) -> int:
    return response.content.count(b'<td data-label="#">')


def scenarios(staff, applicants):
    """(name, client, real URL, naive URL or None) for each page."""
    from urllib.parse import quote

    from django.test import Client

    from programmes.models import Application, Call, Programme
    from programmes.workflow import Status

    staff_client = Client()
    staff_client.force_login(staff)
    applicant_clients = []
    for applicant in applicants:
        applicant_clients.append(Client())
        applicant_clients[-1].force_login(applicant)
    anonymous = Client()

    programme = Programme.objects.get(code="jx-municipal-sci-tech-projects")
    small = Programme.objects.get(code="academician-workstations")
    year = Application.objects.filter(call__programme=small).order_by("call__year").first()
    year = year.call.year if year else 2020
    sample = (
        Application.objects.filter(
            call__programme=programme, status=Status.IN_REVIEW, source_note__startswith="generate"
        )
        .order_by("pk")
        .first()
    )
    oldest = Call.objects.filter(code__startswith="demo-").order_by("year").first().year
    admin_list = f"programmes/application/?programme__id__exact={programme.pk}"
    api_list = f"applications/?programme={programme.code}"
    results = f"results/?programme={small.code}&year={year}"
    # Searches staff make: part of an enterprise's name (four characters: its brand and
    # trade, as "丰帆智能" in "[演示数据] 宁波丰帆智能制造有限公司"), a credit code, and a
    # two-character word (no trigram: the tables are read).
    name = sample.enterprise.name.removeprefix("[演示数据] ")[2:6]
    code = sample.enterprise.unified_social_credit_code
    real_results = anonymous.get(f"/{results}")
    rows = result_rows(real_results)
    return [
        (
            "Admin changelist, programme + status (queue)",
            staff_client,
            f"/admin/{admin_list}&status__exact=recommended",
            f"/naive/admin/{admin_list}&status__exact=recommended",
        ),
        (
            "Admin changelist, programme + status (queue), navigation cold",
            ColdNavigationClient(staff_client),
            f"/admin/{admin_list}&status__exact=recommended",
            f"/naive/admin/{admin_list}&status__exact=recommended",
        ),
        (
            "Admin changelist, programme + status (granted)",
            staff_client,
            f"/admin/{admin_list}&status__exact=granted",
            f"/naive/admin/{admin_list}&status__exact=granted",
        ),
        (
            f"Admin changelist, oldest year ({oldest})",
            staff_client,
            f"/admin/programmes/application/?year={oldest}",
            f"/naive/admin/programmes/application/?year={oldest}",
        ),
        (
            "Admin changelist, unfiltered",
            staff_client,
            "/admin/programmes/application/",
            "/naive/admin/programmes/application/",
        ),
        (
            f"Admin changelist, search for a name ({name})",
            staff_client,
            f"/admin/programmes/application/?q={quote(name)}",
            f"/naive/admin/programmes/application/?q={quote(name)}",
        ),
        (
            f"Admin changelist, search for two characters ({name[:2]})",
            staff_client,
            f"/admin/programmes/application/?q={quote(name[:2])}",
            f"/naive/admin/programmes/application/?q={quote(name[:2])}",
        ),
        ("Admin index (open work by programme and status)", staff_client, "/admin/", None),
        (
            "Admin change page",
            staff_client,
            f"/admin/programmes/application/{sample.pk}/change/",
            f"/naive/admin/programmes/application/{sample.pk}/change/",
        ),
        (
            "API list, programme + status, 100 rows",
            staff_client,
            f"/api/v1/{api_list}&status=granted&page_size=100",
            f"/naive/api/{api_list}&status=granted&page_size=100",
        ),
        (
            "API list, programme + status, 10 rows",
            staff_client,
            f"/api/v1/{api_list}&status=granted&page_size=10",
            f"/naive/api/{api_list}&status=granted&page_size=10",
        ),
        (
            f"API list, oldest year ({oldest}), 100 rows",
            staff_client,
            f"/api/v1/applications/?year={oldest}&page_size=100",
            f"/naive/api/applications/?year={oldest}&page_size=100",
        ),
        (
            "API list, search for a credit code, 100 rows",
            staff_client,
            f"/api/v1/applications/?search={code}&page_size=100",
            f"/naive/api/applications/?search={code}&page_size=100",
        ),
        (
            "API list, anonymous (published), 100 rows",
            anonymous,
            "/api/v1/applications/?page_size=100",
            None,
        ),
        (
            "API detail",
            staff_client,
            f"/api/v1/applications/{sample.pk}/",
            f"/naive/api/applications/{sample.pk}/",
        ),
        *(
            (
                f"My applications, {label} ({filed(applicant)} applications)",
                client,
                "/applications/",
                "/naive/applications/",
            )
            for label, applicant, client in zip(
                ("typical enterprise", "busy enterprise"),
                applicants,
                applicant_clients,
                strict=True,
            )
        ),
        (
            f"Public results, one programme and year ({rows} rows)",
            anonymous,
            f"/{results}",
            f"/naive/{results}&limit={rows}",
        ),
    ]


# --- Report ----------------------------------------------------------------------------------


def cpu_calibration_ms() -> float:
    """The best of five runs of a fixed pure-Python loop: how fast this machine runs Python
    right now, to compare runs made on different (or differently loaded) machines."""
    best = float("inf")
    for _ in range(5):
        begin = time.perf_counter()
        total = 0
        for n in range(2_000_000):
            total += n
        best = min(best, time.perf_counter() - begin)
    return round(best * 1000, 1)


def machine(args) -> dict:
    import sqlite3

    from django.db import connection

    info = {
        "nproc": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": os.getloadavg(),
        "python_loop_ms": cpu_calibration_ms(),
        "database": args.db,
    }
    try:
        model = subprocess.run(  # noqa: S603
            ["/usr/bin/lscpu"], capture_output=True, text=True, check=False
        ).stdout
        info["cpu"] = next(
            (line.split(":", 1)[1].strip() for line in model.splitlines() if "Model name" in line),
            info["cpu"],
        )
    except OSError:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            info["shared_buffers"] = cursor.fetchone()[0]
    return info


def main():
    args = parse_args()
    configure(args)
    prepare_database(args)
    if args.prepare_only:
        return
    from programmes.models import Application

    staff, applicants = bench_users()
    report = {
        "machine": machine(args),
        "applications": Application.objects.count(),
        "pages": [],
    }
    load = report["machine"]["load_average"]
    print(f"{report['applications']:,} applications on {args.db}; load {load}", file=sys.stderr)
    for name, client, url, naive_url in scenarios(staff, applicants):
        real, naive = measure(client, url, naive_url, args.repeat)
        row = {"page": name, "real": real, "naive": naive}
        if naive:
            row["ratio"] = naive["median_ms"] / real["median_ms"]
        report["pages"].append(row)
        print(format_row(row), file=sys.stderr)
    report["machine"]["load_average_after"] = os.getloadavg()
    (DATA / f"results-{args.db}.json").write_text(json.dumps(report, indent=2))
    print(markdown(report))


def format_row(row) -> str:
    real, naive = row["real"], row["naive"]
    text = (
        f"{row['page']}: {real['median_ms']:.1f} ms (p95 {real['p95_ms']:.1f}), "
        f"{real['queries']} q in {real.get('sql_ms', 0):.1f} ms"
    )
    if naive:
        text += (
            f" | naive {naive['median_ms']:.1f} ms (p95 {naive['p95_ms']:.1f}), "
            f"{naive['queries']} q | ×{row['ratio']:.1f}"
        )
    return text


def markdown(report) -> str:
    machine = report["machine"]
    lines = [
        f"{report['applications']:,} applications, {machine['database']}; load average "
        f"{machine['load_average'][0]:.1f} before, {machine['load_average_after'][0]:.1f} after; "
        f"CPU calibration (2 million additions in Python) {machine['python_loop_ms']} ms",
        "",
        "| page | median ms | p95 ms | queries | of which SQL ms | naive median ms "
        "| naive p95 ms | naive queries | naive ÷ real |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["pages"]:
        real, naive = row["real"], row["naive"]
        cells = [
            row["page"],
            f"{real['median_ms']:.1f}",
            f"{real['p95_ms']:.1f}",
            str(real["queries"]),
            f"{real.get('sql_ms', 0):.1f}",
        ]
        if naive:
            cells += [
                f"{naive['median_ms']:.1f}",
                f"{naive['p95_ms']:.1f}",
                str(naive["queries"]),
                f"{row['ratio']:.1f}×",
            ]
        else:
            cells += ["—"] * 4
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
