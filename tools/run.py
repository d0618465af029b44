"""`make run`: the development server and the mail worker beside it, stopped together.

Usage: ``python tools/run.py HOST:PORT``. Each child runs in a session of its own, so
that Ctrl-C reaches this script alone; it then passes one interrupt to each. The
worker finishes the email it is sending, if any, and stops. Either child ending on its
own (the server's port taken, say) stops the other too, and the exit status says so.

Both children get ``PORTAL_BASE_URL`` (the address in emails' links) from the address
served, unless the environment names one: the links lead where the server listens.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


#: Addresses a server listens on but a browser cannot open: links use the loopback.
WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]"}  # noqa: S104


def base_url(address: str) -> str:
    """The site's address for links, from runserver's ``HOST:PORT`` (or ``PORT``)."""
    host, _colon, port = address.rpartition(":")
    host = WILDCARDS.get(host, host) or "127.0.0.1"
    return f"http://{host}:{port}"


def start(*arguments: str, env: dict) -> subprocess.Popen:
    # The arguments are this script's own, not input.
    return subprocess.Popen(  # noqa: S603
        [*MANAGE, *arguments], cwd=ROOT, env=env, start_new_session=True
    )


def interrupt(child: subprocess.Popen) -> None:
    """Ctrl-C, as the terminal would send it to the child's process group."""
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # ended in the meantime
            os.killpg(child.pid, signal.SIGINT)


def stop(signum, frame):
    raise KeyboardInterrupt


def main(address: str) -> int:
    # Without --reload the worker is one process, which a single interrupt stops
    # gracefully; the reloader would kill it in the middle of an attempt.
    env = {**os.environ}
    env.setdefault("PORTAL_BASE_URL", base_url(address))
    worker = start("db_worker", "--no-reload", "--no-startup-delay", env=env)
    server = start("runserver", address, env=env)
    children = (server, worker)
    signal.signal(signal.SIGTERM, stop)
    ended = None  # the child that ended on its own, if one did
    try:
        while ended is None:
            ended = next((child for child in children if child.poll() is not None), None)
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    for child in children:
        interrupt(child)
    for child in children:
        try:
            child.wait()
        except KeyboardInterrupt:
            # A second Ctrl-C: do not wait for the worker's attempt to end.
            for other in children:
                if other.poll() is None:
                    os.killpg(other.pid, signal.SIGKILL)
            child.wait()
    if ended is None:  # stopped by Ctrl-C
        return 0
    return ended.returncode if ended.returncode > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"))
