"""Run ClamAV's clamd for `make run` and the tests, on the signatures shipped in
deploy/clamav (see its README): a unix socket under the given folder, in the foreground."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SIGNATURES = Path(__file__).resolve().parent / "clamav"


def clamd_binary() -> str | None:
    """clamd from Debian's clamav-daemon, if installed (it lives in /usr/sbin)."""
    return shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.access(p, os.X_OK)), None
    )


def write_config(folder: Path) -> tuple[Path, Path]:
    """clamd.conf in `folder` (signatures copied beside it); returns (config, socket)."""
    database = folder / "db"
    database.mkdir(parents=True, exist_ok=True)
    for signatures in SIGNATURES.glob("*.ndb"):
        shutil.copy(signatures, database / signatures.name)
    socket = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"DatabaseDirectory {database}",
                f"LocalSocket {socket}",
                f"PidFile {folder / 'clamd.pid'}",
                "Foreground yes",
                "LogTime yes",
                "StreamMaxLength 30M",  # above intake's 25 MiB attachment limit
                "MaxFileSize 30M",
                "",
            ]
        )
    )
    return config, socket


def main() -> None:
    binary = clamd_binary()
    if binary is None:
        sys.exit("clamd.py: clamd is not installed (Debian: apt-get install clamav-daemon)")
    folder = Path(os.environ.get("NIC_CLAMD_DIR", ".data/clamav")).resolve()
    config, _ = write_config(folder)
    os.execv(binary, [binary, "--config-file", str(config)])


if __name__ == "__main__":
    main()
