from nic_intake import seed
from nic_intake.main import MIGRATIONS, create_app
from nic_intake.models import messaging
from nic_intake.settings import IntakeSettings
from nic_shared.cli import run

run(
    IntakeSettings,
    create_app,
    MIGRATIONS,
    messaging,
    extra_commands={"seed": ("load the three calls of the seeds, published", seed.main)},
)
