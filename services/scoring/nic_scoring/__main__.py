from nic_scoring.main import MIGRATIONS, create_app
from nic_scoring.models import messaging
from nic_scoring.settings import ScoringSettings
from nic_shared.cli import run

run(ScoringSettings, create_app, MIGRATIONS, messaging)
