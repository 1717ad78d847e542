from nic_registry.main import MIGRATIONS, create_app
from nic_registry.models import messaging
from nic_registry.settings import RegistrySettings
from nic_shared.cli import run

run(RegistrySettings, create_app, MIGRATIONS, messaging)
