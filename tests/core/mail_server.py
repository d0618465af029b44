"""Mail servers on 127.0.0.1 for the mail queue's tests, and one run of the worker.

``MailServer("answers")`` speaks enough SMTP to take messages and keeps them;
``"hangs"`` accepts a connection and never says a word; ``"drops"`` accepts and
hangs up. ``refused_port()`` is a port nothing listens on.
"""

import logging
import signal
import socket
import threading

from django.core.management import call_command


class MailServer:
    def __init__(self, behaviour: str = "answers"):
        assert behaviour in {"answers", "hangs", "drops"}
        self.behaviour = behaviour
        self.messages: list[tuple[list[str], bytes]] = []
        self.connections = 0
        self._held: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _address = self._listener.accept()
            except OSError:  # closed
                return
            self.connections += 1
            if self.behaviour == "hangs":
                self._held.append(connection)
            elif self.behaviour == "drops":
                connection.close()
            else:
                threading.Thread(target=self._converse, args=(connection,), daemon=True).start()

    def _converse(self, connection: socket.socket):
        with connection, connection.makefile("rwb") as stream:

            def reply(line: str):
                stream.write(line.encode() + b"\r\n")
                stream.flush()

            reply("220 test ESMTP")
            recipients = []
            for raw in iter(stream.readline, b""):
                command = raw.decode().strip()
                verb = command[:4].upper()
                if verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                    reply("250 OK")
                elif verb == "DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    for line in iter(stream.readline, b""):
                        if line.rstrip(b"\r\n") == b".":
                            break
                        lines.append(line)
                    self.messages.append((recipients, b"".join(lines)))
                    recipients = []
                    reply("250 queued")
                elif verb == "QUIT":
                    reply("221 bye")
                    return
                elif verb in {"EHLO", "HELO", "MAIL", "RSET", "NOOP"}:
                    reply("250 OK")
                else:
                    reply("502 not implemented")

    def close(self):
        self._listener.close()
        for connection in self._held:
            connection.close()


def refused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connections are refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def run_worker():
    """One run of the worker as production runs it, in batch mode: every task that is due,
    then exit. The command's signal handlers and log levels are put back afterwards."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    try:
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
