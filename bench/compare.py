"""Two checkouts side by side: each page of ``bench/pages.py`` served by this checkout and by
another one, request for request in alternation, so that both see the same machine.

    git worktree add /tmp/before <commit>          # the code to compare with
    .venv/bin/python bench/pages.py --db postgres --prepare-only          # this one's database
    (cd /tmp/before && BENCH_PG_NAME=bench_before .venv/bin/python bench/pages.py \\
        --db postgres --prepare-only)                                  # the other's
    .venv/bin/python bench/compare.py --db postgres --other /tmp/before --other-pg-name bench_before

Each checkout runs in its own process (its own code, its own database: SQLite
``<checkout>/bench/.data/bench.sqlite3``, or the PostgreSQL database named), measuring
with Django's test ``Client`` as ``bench/pages.py`` does; this process hands them one
page at a time, alternating, and prints a Markdown table of the medians. Pages are
matched by name.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(root: Path, db: str) -> None:
    """Serve ``bench/pages.py``'s scenarios of the checkout at ``root``: read a page's
    name, answer its time in milliseconds."""
    os.chdir(root)
    os.environ["BENCH_DATA"] = str(root / "bench" / ".data")
    sys.path.insert(0, str(root / "bench"))
    import pages

    pages.configure(argparse.Namespace(db=db))
    import django

    django.setup()
    staff, applicants = pages.bench_users()
    scenarios = {
        name: (client, url) for name, client, url, _naive in pages.scenarios(staff, applicants)
    }
    print(json.dumps(list(scenarios)), flush=True)
    for line in sys.stdin:
        client, url = scenarios[line.strip()]
        print(pages.timed(client, url), flush=True)


def start(root: Path, db: str, pg_name: str | None) -> subprocess.Popen:
    env = dict(os.environ)
    if pg_name:
        env["BENCH_PG_NAME"] = pg_name
    return subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, "--worker", str(root), "--db", db],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def ask(process: subprocess.Popen, name: str) -> float:
    process.stdin.write(name + "\n")
    process.stdin.flush()
    return float(process.stdout.readline())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--other", type=Path, help="The other checkout.")
    parser.add_argument("--other-pg-name", help="The other checkout's PostgreSQL database.")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.db)
        return
    this = start(ROOT, args.db, None)
    other = start(args.other.resolve(), args.db, args.other_pg_name)
    names = json.loads(this.stdout.readline())
    theirs = set(json.loads(other.stdout.readline()))
    print(
        f"{args.db}: the other checkout ({args.other}) against this one, medians of {args.repeat}"
    )
    print()
    print("| page | other ms | this ms | this ÷ other |")
    print("|---|---:|---:|---:|")
    for name in names:
        if name not in theirs:
            continue
        for _ in range(2):  # warm-up
            ask(other, name), ask(this, name)
        times = {"other": [], "this": []}
        for _ in range(args.repeat):
            times["other"].append(ask(other, name))
            times["this"].append(ask(this, name))
        before, after = (statistics.median(times[key]) for key in ("other", "this"))
        print(f"| {name} | {before:.1f} | {after:.1f} | {after / before:.2f} |", flush=True)
    for process in (this, other):
        process.stdin.close()
        process.wait()


if __name__ == "__main__":
    main()
