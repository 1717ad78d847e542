from nic_eligibility.models import Base
from nic_shared.migrations import run_env

run_env(Base.metadata)
