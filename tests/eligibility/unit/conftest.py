"""Make the test-input builder importable as `eligibility_builders` (import-mode=importlib)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
