"""Say in one line which service cannot have which port, before anything else starts.

Without this, a taken port shows only as uvicorn's "address already in use" deep in the log
of a process group that then stops as a whole.
"""

from __future__ import annotations

import socket


def port_problem(host: str, port: int) -> str | None:
    """Why nothing can listen on host:port now (e.g. "address already in use"), or None."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            return (exc.strerror or str(exc)).lower()
    return None


def cannot_listen_line(who: str, host: str, port: int, reason: str, variable: str) -> str:
    """The one line a person reads: who, which port, why, and how to move it."""
    return f"{who} cannot listen on {host}:{port}: {reason} (set {variable} to use another port)"
