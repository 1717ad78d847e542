from nic_shared.cli import run

from nic_intake.main import MIGRATIONS, create_app
from nic_intake.models import messaging
from nic_intake.settings import IntakeSettings

run(IntakeSettings, create_app, MIGRATIONS, messaging)
