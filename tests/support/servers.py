"""Real servers for tests and benchmarks: a process on a free loopback port, used once it
answers /healthz, stopped afterwards. The caller's output is kept in a file, which the
error shows when the server never came up."""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers_health_check(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def running(command: list[str], environment: dict, *, log: Path | None = None):
    """`command` running from the project root with `environment` added; its output goes
    to `log` (a temporary file when not given). Yields the process."""
    with (open(log, "w+b") if log else tempfile.TemporaryFile()) as output:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment},
                                   stdout=output, stderr=subprocess.STDOUT)
        try:
            yield process, output
        finally:
            process.terminate()
            try:
                process.wait(timeout=STARTUP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def served(application: str, environment: dict, *options: str, log: Path | None = None):
    """gunicorn serving `application` on a free port; yields the port once /healthz
    answers."""
    port = free_port()
    command = [str(BIN / "gunicorn"), *options, "--bind", f"127.0.0.1:{port}", application]
    with running(command, environment, log=log) as (server, output):
        deadline = time.monotonic() + STARTUP_SECONDS
        while not answers_health_check(port):
            if server.poll() is not None or time.monotonic() > deadline:
                output.seek(0)
                raise RuntimeError(f"{application} did not start on port {port}:\n"
                                   f"{output.read().decode(errors='replace')}")
            time.sleep(0.1)
        yield port
