"""Start the workshop page on this machine only: ``python -m app [--port 8765] [--open]``.

Binds to 127.0.0.1, serves every front-end file from the installed ``solara-assets``
(no CDN), and turns Solara's usage telemetry off, so the page works without internet.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"

#: Environment that keeps the server and the page offline.
OFFLINE_ENV = {
    "SOLARA_ASSETS_PROXY": "true",  # the browser fetches assets from this server...
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",  # ...and the server phones no one
    "MPLBACKEND": "Agg",
}


def server_command(port: int, open_browser: bool = False) -> list[str]:
    """The ``solara run`` command line for the page on 127.0.0.1:``port``."""
    return [
        sys.executable, "-m", "solara", "run", "app.app", "--host", "127.0.0.1",
        "--port", str(port), "--production", "--open" if open_browser else "--no-open",
    ]  # fmt: skip


def server_env() -> dict[str, str]:
    """This process's environment plus :data:`OFFLINE_ENV`, with the project importable."""
    root = str(APP.parent.parent)
    path = os.environ.get("PYTHONPATH")
    pythonpath = root if not path else f"{root}{os.pathsep}{path}"
    return {**os.environ, **OFFLINE_ENV, "PYTHONPATH": pythonpath}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        print(f"error: --port={args.port} is not allowed; allowed: 1 to 65535", file=sys.stderr)
        return 2
    print(f"Workshop page: http://127.0.0.1:{args.port}/  (Ctrl+C stops it)", flush=True)
    # Become the server process, so Ctrl+C or a terminate signal stops the server itself.
    command = server_command(args.port, args.open)
    os.execve(command[0], command, server_env())


if __name__ == "__main__":
    raise SystemExit(main())
