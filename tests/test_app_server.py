"""``python -m app`` as a teacher starts it: offline, quiet, and clear about a used port.

The server runs with a ``sitecustomize`` that blocks every connection and name lookup
beyond this machine and records the attempt, so a version check or telemetry call at
start-up (or on a page load) would show up here without any network being needed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.__main__ import main

ROOT = Path(__file__).resolve().parent.parent

BLOCK_NETWORK = '''
import os, socket
_log = os.environ["MEDBORGERSIM_TEST_CONNECTIONS"]
_LOCAL = ("127.0.0.1", "localhost", "::1", "0.0.0.0", "", None)

def _record(what):
    with open(_log, "a") as f:
        f.write(repr(what) + "\\n")

def _host(address):
    return address[0] if isinstance(address, tuple) else address

_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and _host(address) not in _LOCAL:
        _record(address)
        raise OSError("network blocked by the test")
    return _connect(self, address)

def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and _host(address) not in _LOCAL:
        _record(address)
        return 101
    return _connect_ex(self, address)

def getaddrinfo(host, *args, **kwargs):
    if host not in _LOCAL:
        _record(("lookup", host))
        raise socket.gaierror("network blocked by the test")
    return _getaddrinfo(host, *args, **kwargs)

socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_starts_offline_and_quiet(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(BLOCK_NETWORK)
    attempts = tmp_path / "connections.log"
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "MEDBORGERSIM_TEST_CONNECTIONS": str(attempts)}
    log = tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, "-m", "app", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                              start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()[-2000:]
                time.sleep(0.5)
        for _ in range(2):  # page loads must not print a warning each
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read()
        time.sleep(1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    output = log.read_text()
    assert not attempts.exists(), f"outbound connection attempts: {attempts.read_text()}"
    assert "samesite" not in output and "Warning" not in output, output
    assert f"http://127.0.0.1:{port}/" in output


def test_the_block_would_catch_a_version_check(tmp_path):
    """The blocking ``sitecustomize`` sees the request Solara's version check makes."""
    (tmp_path / "sitecustomize.py").write_text(BLOCK_NETWORK)
    attempts = tmp_path / "connections.log"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "MEDBORGERSIM_TEST_CONNECTIONS": str(attempts)}
    # What ``solara.__main__._check_version`` does when ``--no-check-version`` is missing.
    code = ("import requests\ntry: requests.get('https://pypi.org/pypi/solara/json', timeout=0.5)\n"
            "except Exception: pass")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], env=env, timeout=60, capture_output=True)
    assert "pypi.org" in attempts.read_text()


def test_a_used_port_is_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --port={port} is not allowed; allowed: a free port")
    assert err.count("\n") == 1 and "Errno" not in err


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_port_out_of_range_is_one_line(capsys, port):
    assert main(["--port", port]) == 2
    assert capsys.readouterr().err.startswith(f"error: --port={port} is not allowed")
