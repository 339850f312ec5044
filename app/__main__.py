"""Start the workshop page on this machine only: ``python -m app [--port 8765] [--open]``.

Binds to 127.0.0.1, serves every front-end file from the installed ``solara-assets``
(no CDN), and turns Solara's usage telemetry off, so the page works without internet.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"

#: Environment that keeps the server and the page offline.
OFFLINE_ENV = {
    "SOLARA_ASSETS_PROXY": "true",  # the browser fetches assets from this server...
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",  # ...and the server phones no one
    "SOLARA_THEME_SHOW_BANNER": "false",  # the "runs on Solara" badge would cover a chart
    "MPLBACKEND": "Agg",
}
#: Solara warns about cookies on every page load when served on 127.0.0.1 over http
#: (12 lines each time); the session cookie works all the same on the teacher's machine.
QUIET_WARNINGS = "ignore:Cookies with samesite=none require https:UserWarning"


def server_command(port: int, open_browser: bool = False) -> list[str]:
    """The ``solara run`` command line for the page on 127.0.0.1:``port``."""
    return [
        sys.executable, "-m", "solara", "run", "app.app", "--host", "127.0.0.1",
        "--port", str(port), "--production", "--open" if open_browser else "--no-open",
        "--no-check-version",  # Solara would ask pypi.org for its latest version at start
    ]  # fmt: skip


def server_env() -> dict[str, str]:
    """This process's environment plus :data:`OFFLINE_ENV`, with the project importable."""
    root = str(APP.parent.parent)
    path = os.environ.get("PYTHONPATH")
    pythonpath = root if not path else f"{root}{os.pathsep}{path}"
    warnings = ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"), QUIET_WARNINGS]))
    return {**os.environ, **OFFLINE_ENV, "PYTHONPATH": pythonpath, "PYTHONWARNINGS": warnings}


def port_is_free(port: int) -> bool:
    """Whether a server can listen on 127.0.0.1:``port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        print(f"error: --port={args.port} is not allowed; allowed: 1 to 65535", file=sys.stderr)
        return 2
    if not port_is_free(args.port):
        print(f"error: --port={args.port} is not allowed; allowed: a free port (another program, "
              f"perhaps another workshop page, uses {args.port}; try --port {args.port + 1})",
              file=sys.stderr)  # fmt: skip
        return 2
    print(f"Workshop page: http://127.0.0.1:{args.port}/  (Ctrl+C stops it)", flush=True)
    # Become the server process, so Ctrl+C or a terminate signal stops the server itself.
    command = server_command(args.port, args.open)
    os.execve(command[0], command, server_env())


if __name__ == "__main__":
    raise SystemExit(main())
