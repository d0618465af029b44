"""Load test: gunicorn (config/gunicorn.conf.py, 2 workers, whitenoise) on loopback,
60 s of concurrent requests to the API list and the public results page.

    .venv/bin/python bench/load.py                 # against the PostgreSQL bench database
    BENCH_LOAD_SECONDS=20 BENCH_LOAD_CLIENTS=4 .venv/bin/python bench/load.py

Run ``bench/pages.py --db postgres --prepare-only`` first (``make bench`` does): the
database is the one the page benchmark built. The script collects static files,
starts gunicorn with the production settings on 127.0.0.1 and a free port, waits
until it answers, runs ``BENCH_LOAD_CLIENTS`` client threads (stdlib ``http.client``,
keep-alive where the server allows) for ``BENCH_LOAD_SECONDS`` seconds or
``BENCH_LOAD_MAX_REQUESTS`` requests, whichever comes first, stops gunicorn, and
reports requests per second, latency percentiles and errors. It exits 1 on any
error (a status other than 200, a timeout, a refused connection).

The load comes from one address, so the API's per-client throttles are lifted for the
run (``API_THROTTLE_ANON`` and ``API_THROTTLE_USER``, which DRF also applies to
anonymous callers by address): what is measured is the server, not the throttle.
"""

import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
HOST = "127.0.0.1"  # loopback only
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "8"))
MAX_REQUESTS = int(os.environ.get("BENCH_LOAD_MAX_REQUESTS", "200000"))
REQUEST_TIMEOUT = 30
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_NAME = os.environ.get("BENCH_PG_NAME", "programme_desk_bench")
DATABASE_URL = os.environ.get("BENCH_LOAD_DATABASE_URL", f"{PG_SERVER}/{PG_NAME}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS is the proxy's
        "DATABASE_URL": DATABASE_URL,
        "CONN_MAX_AGE": "60",
        # DRF's user throttle also counts anonymous callers (by address): lift both.
        "API_THROTTLE_ANON": "100000000/minute",
        "API_THROTTLE_USER": "100000000/minute",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_LOGLEVEL": "warning",
        "LOG_LEVEL": "WARNING",
    }


def results_url() -> str:
    """The results of the smallest programme's oldest demo round (a page of a few hundred)."""
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        row = connection.execute(
            "SELECT p.code, min(c.year) FROM programmes_call c "
            "JOIN programmes_programme p ON p.id = c.programme_id "
            "WHERE p.code = 'academician-workstations' AND c.code LIKE 'demo-%%' "
            "GROUP BY p.code"
        ).fetchone()
    if row is None:
        raise SystemExit("No demo data: run bench/pages.py --db postgres --prepare-only first.")
    return f"/results/?programme={row[0]}&year={row[1]}"


def start_server(port: int) -> subprocess.Popen:
    environment = server_environment(port)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    return subprocess.Popen(  # noqa: S603
        [str(gunicorn), "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )


def wait_until_up(port: int, server: subprocess.Popen, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # the session we started: gunicorn and workers
        try:
            server.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Client(threading.Thread):
    def __init__(self, port, paths, deadline, budget, offset):
        super().__init__(daemon=True)
        self.port, self.paths, self.deadline, self.budget = port, paths, deadline, budget
        self.offset = offset
        self.samples: list[tuple[str, float]] = []
        self.errors: list[str] = []
        self.connection = None

    def fetch(self, path: str) -> int:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            self.connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status

    def run(self):
        n = self.offset
        while time.monotonic() < self.deadline and self.budget.take():
            path = self.paths[n % len(self.paths)]
            n += 1
            begin = time.perf_counter()
            try:
                status = self.fetch(path)
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(f"{path}: {error!r}")
                continue
            elapsed = (time.perf_counter() - begin) * 1000
            if status != 200:
                self.errors.append(f"{path}: HTTP {status}")
            self.samples.append((path, elapsed))


class Budget:
    """At most ``MAX_REQUESTS`` requests in all, shared by the threads."""

    def __init__(self, total):
        self.left, self.lock = total, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    api = "/api/v1/applications/?page_size=100"
    results = results_url()
    paths = [api, results]
    port = free_port()
    server = start_server(port)
    try:
        wait_until_up(port, server, api)
        static = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        static.request("GET", "/static/admin/css/base.css", headers={"Accept-Encoding": "gzip"})
        static_response = static.getresponse()
        static_response.read()
        whitenoise = static_response.status == 200 and static_response.getheader(
            "Content-Encoding"
        ) in {"gzip", "br"}
        started = time.monotonic()
        deadline = started + SECONDS
        budget = Budget(MAX_REQUESTS)
        clients = [Client(port, paths, deadline, budget, n) for n in range(CLIENTS)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(SECONDS + REQUEST_TIMEOUT + 5)
        elapsed = time.monotonic() - started
    finally:
        stop_server(server)

    samples = [sample for client in clients for sample in client.samples]
    errors = [error for client in clients for error in client.errors]
    report = {
        "seconds": round(elapsed, 1),
        "clients": CLIENTS,
        "workers": 2,
        "requests": len(samples) + len(errors),
        "errors": len(errors),
        "requests_per_second": round((len(samples) + len(errors)) / elapsed, 1),
        "static_file_compressed_by_whitenoise": whitenoise,
        "load_average": os.getloadavg(),
        "paths": {},
    }
    for path in paths:
        times = [ms for p, ms in samples if p == path]
        if times:
            report["paths"][path] = {
                "requests": len(times),
                "requests_per_second": round(len(times) / elapsed, 1),
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "p99_ms": round(percentile(times, 0.99), 1),
            }
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "results-load.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    for error in errors[:10]:
        print("error:", error, file=sys.stderr)
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
