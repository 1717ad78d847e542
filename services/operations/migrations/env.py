from nic_operations.models import Base
from nic_shared.migrations import run_env

run_env(Base.metadata)
