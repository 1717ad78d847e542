"""`python -m nic_operations [serve|migrate|republish|events tail ...]`."""

from __future__ import annotations

import argparse
import sys

from nic_operations.cli import add_events_parser, run_events
from nic_operations.main import MIGRATIONS, create_app
from nic_operations.models import messaging
from nic_operations.settings import OperationsSettings
from nic_shared.cli import run

if len(sys.argv) > 1 and sys.argv[1] == "events":
    parser = argparse.ArgumentParser(prog="python -m nic_operations")
    add_events_parser(parser.add_subparsers(dest="command", required=True))
    raise SystemExit(run_events(parser.parse_args()))
run(
    OperationsSettings,
    create_app,
    MIGRATIONS,
    messaging,
    extra_commands={"events": ("watch the platform's events: events tail --help", lambda _: None)},
)
