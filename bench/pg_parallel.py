"""PostgreSQL's parallel query on a small host: each page of ``bench/pages.py`` with
``max_parallel_workers_per_gather`` at the server's setting and at 0, request for
request in alternation on the same connection.

    .venv/bin/python bench/pages.py --db postgres --prepare-only   # the database, once
    .venv/bin/python bench/pg_parallel.py

Prints a Markdown table of the medians (docs/deploy.md, "PostgreSQL on a small host").
"""

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402


def main():
    args = pages.parse_args()
    args.db = "postgres"
    pages.configure(args)
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        default = cursor.fetchone()[0]
    staff, applicants = pages.bench_users()
    print(f"| page | median ms, {default} workers | median ms, 0 workers |")
    print("|---|---:|---:|")
    for name, client, url, _naive in pages.scenarios(staff, applicants):
        timings = {default: [], "0": []}
        for setting in (default, "0", default, "0"):  # warm-up
            set_workers(connection, setting)
            client.get(url)
        for _ in range(args.repeat):
            for setting in (default, "0"):
                set_workers(connection, setting)
                timings[setting].append(pages.timed(client, url))
        set_workers(connection, default)
        medians = [statistics.median(timings[setting]) for setting in (default, "0")]
        print(f"| {name} | {medians[0]:.1f} | {medians[1]:.1f} |", flush=True)


def set_workers(connection, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET max_parallel_workers_per_gather = {int(value)}")


if __name__ == "__main__":
    os.environ.setdefault("BENCH_REPEAT", "20")
    main()
