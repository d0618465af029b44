"""Time and peak memory of ``manage.py backup`` and ``manage.py restore`` at province scale.

    .venv/bin/python bench/backup.py                      # SQLite and PostgreSQL
    .venv/bin/python bench/backup.py --db postgres --encrypt

It backs up the page benchmarks' databases (``bench/pages.py`` builds them: SQLite
``bench/.data/bench.sqlite3``, PostgreSQL ``programme_desk_bench``, 1,000,000
applications) into ``bench/.data/backups/``, then restores each archive into a scratch
target that is never a benchmark database: SQLite ``bench/.data/restored.sqlite3``,
PostgreSQL ``programme_desk_bench_restored`` (created by the restore, dropped after unless
``--keep``). Each command runs as its own process, as an operator runs it, with the bench
settings; ``--encrypt`` encrypts to a throwaway GnuPG key made for the run.

Peak memory is given two ways: the largest resident set of any one process of the
command (GNU ``time``'s ``%M``: Python, pg_dump, pg_restore or gpg), and the peak
of the whole process tree's resident sets added up, sampled every 20 ms from ``/proc``.
The PostgreSQL server's own processes serve the dump and the restore and are not counted.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("BENCH_DATA", ROOT / "bench" / ".data"))
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_NAME = os.environ.get("BENCH_PG_NAME", "programme_desk_bench")
SOURCES = {
    "sqlite": f"sqlite:///{DATA / 'bench.sqlite3'}",
    "postgres": f"{PG_SERVER}/{PG_NAME}",
}
TARGETS = {
    "sqlite": f"sqlite:///{DATA / 'restored.sqlite3'}",
    "postgres": f"{PG_SERVER}/{PG_NAME}_restored",
}


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants now."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measured(command: list[str], env: dict) -> dict:
    """Run ``command``; its wall time, its largest process's and its tree's peak RSS."""
    with tempfile.NamedTemporaryFile("r") as report:
        # GNU time's %M: the largest resident set of the command or any process it waited for.
        timed = ["/usr/bin/time", "-f", "%M", "-o", report.name, *command]
        started = time.monotonic()
        process = subprocess.Popen(timed, env=env, cwd=ROOT)  # noqa: S603
        peak = 0
        done = threading.Event()

        def sample():
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(process.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        code = process.wait()
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
        if code:
            sys.exit(f"{' '.join(command)} failed ({code})")
        largest = int(report.read().split()[-1]) * 1024
    return {"seconds": seconds, "largest": largest, "tree": peak}


def psql(sql: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", f"{PG_SERVER}/postgres", "-q", "-c", sql],  # noqa: S607
        check=True,
    )


def clear_target(db: str) -> None:
    if db == "postgres":
        psql(f'DROP DATABASE IF EXISTS "{PG_NAME}_restored" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{DATA / 'restored.sqlite3'}{suffix}").unlink(missing_ok=True)


def make_key(home: Path) -> str:
    gpg = ["gpg", "--homedir", str(home), "--batch"]
    subprocess.run(  # noqa: S603
        [
            *gpg,
            "--passphrase",
            "",
            "--quick-gen-key",
            "bench <bench@example.invalid>",
            "future-default",
            "default",
            "never",
        ],
        check=True,
        capture_output=True,
    )
    listing = subprocess.run(  # noqa: S603
        [*gpg, "--with-colons", "--list-keys"], check=True, capture_output=True, text=True
    ).stdout
    return next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))


def mib(value: int) -> str:
    return f"{value / 2**20:,.0f} MiB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--encrypt", action="store_true", help="Encrypt to a throwaway key.")
    parser.add_argument("--keep", action="store_true", help="Keep the restored database.")
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if not (DATA / "bench.sqlite3").exists() and "sqlite" in dbs:
        sys.exit("No bench/.data/bench.sqlite3: run bench/pages.py --db sqlite --prepare-only")

    out = DATA / "backups"
    out.mkdir(parents=True, exist_ok=True)
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "CONN_MAX_AGE": "0"}
    home = Path(tempfile.mkdtemp(prefix="bench-gpg-"))
    if args.encrypt:
        base_env |= {"GNUPGHOME": str(home), "BACKUP_GPG_RECIPIENT": make_key(home)}
    manage = [sys.executable, "manage.py"]
    rows = []
    started_load = os.getloadavg()[0]
    try:
        for db in dbs:
            for old in out.glob("programme-desk-*"):
                old.unlink()
            media = Path(tempfile.mkdtemp(prefix="bench-media-"))
            env = {**base_env, "DATABASE_URL": SOURCES[db], "PRIVATE_MEDIA_ROOT": str(media)}
            backup = measured([*manage, "backup", str(out)], env)
            [archive] = out.glob("programme-desk-*")
            clear_target(db)
            restored_media = Path(tempfile.mkdtemp(prefix="bench-restored-media-")) / "media"
            env = {
                **base_env,
                "DATABASE_URL": TARGETS[db],
                "PRIVATE_MEDIA_ROOT": str(restored_media),
            }
            restore = measured([*manage, "restore", str(archive)], env)
            size = archive.stat().st_size
            if not args.keep:
                clear_target(db)
                archive.unlink()
            shutil.rmtree(media, ignore_errors=True)
            shutil.rmtree(restored_media.parent, ignore_errors=True)
            rows.append((db, "backup", backup, size))
            rows.append((db, "restore", restore, size))
    finally:
        if args.encrypt:
            subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"])  # noqa: S603, S607
        shutil.rmtree(home, ignore_errors=True)

    encrypted = " (encrypted)" if args.encrypt else ""
    print()
    print(f"load average {started_load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"| database | step{encrypted} | wall s | largest process | process tree | archive |")
    print("|---|---|---:|---:|---:|---:|")
    for db, step, figures, size in rows:
        print(
            f"| {db} | {step} | {figures['seconds']:.1f} | {mib(figures['largest'])} | "
            f"{mib(figures['tree'])} | {size / 2**20:,.0f} MiB |"
        )


if __name__ == "__main__":
    main()
