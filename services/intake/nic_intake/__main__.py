import sys

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.models import messaging
from nic_intake.settings import IntakeSettings
from nic_shared.cli import run

if sys.argv[1:2] == ["seed"]:
    from nic_intake.seed import main

    main()
else:
    run(IntakeSettings, create_app, MIGRATIONS, messaging)  # type: ignore[arg-type]
