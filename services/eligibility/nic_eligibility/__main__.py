from nic_eligibility.main import MIGRATIONS, create_app
from nic_eligibility.models import messaging
from nic_eligibility.settings import EligibilitySettings
from nic_shared.cli import run

run(EligibilitySettings, create_app, MIGRATIONS, messaging)
