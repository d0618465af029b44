"""`make run` (tools/run.py): the server and the mail worker start together and stop
together, on Ctrl-C or when either one ends."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environment(tmp_path):
    """The development settings on a database of their own, holding the task queue's
    table (all the worker reads; the server starts without the others)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "django_tasks_database", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def launch(env, port, host="127.0.0.1"):
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "tools/run.py", f"{host}:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def children_of(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_until(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from /proc")
def test_ctrl_c_stops_the_server_and_the_worker_together(environment):
    port = free_port()
    launcher = launch(environment, port)
    try:
        assert wait_until(lambda: answers(port)), "the server never answered"
        children = children_of(launcher.pid)
        assert len(children) == 2  # the server (its reloader) and the worker

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=20) == 0
    finally:
        if launcher.poll() is None:
            launcher.kill()

    assert wait_until(lambda: not any(running(pid) for pid in children), seconds=10)
    assert not answers(port)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from /proc")
def test_the_worker_stops_when_the_server_cannot_start(environment):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        launcher = launch(environment, taken.getsockname()[1])
        try:
            children = set()
            assert wait_until(
                lambda: children.update(children_of(launcher.pid)) or len(children) == 2,
                seconds=10,
            )
            status = launcher.wait(timeout=30)
        finally:
            if launcher.poll() is None:
                launcher.kill()

    assert status != 0
    assert wait_until(lambda: not any(running(pid) for pid in children), seconds=10)


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "http://127.0.0.1:{port}"),
        ("https://desk.example.gov.cn", "https://desk.example.gov.cn"),
    ],
)
def test_links_in_emails_follow_the_address_served(environment, given, expected):
    """Every link the server and the worker write (PORTAL_BASE_URL) leads to the port
    actually served, unless PORTAL_BASE_URL is set."""
    environment.pop("PORTAL_BASE_URL", None)
    if given:
        environment["PORTAL_BASE_URL"] = given
    port = free_port()
    launcher = launch(environment, port, host="0.0.0.0")  # noqa: S104
    try:
        assert wait_until(lambda: answers(port)), "the server never answered"
        children = children_of(launcher.pid)
        assert len(children) == 2
        urls = {environ_of(pid).get("PORTAL_BASE_URL") for pid in children}
    finally:
        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=20)

    assert urls == {expected.format(port=port)}
