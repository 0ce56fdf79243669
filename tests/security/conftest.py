"""tests/security reuses the fault server and fixtures of tests/faults."""
from __future__ import annotations

import sys
from pathlib import Path

FAULTS = Path(__file__).resolve().parent.parent / "faults"
if str(FAULTS) not in sys.path:
    sys.path.insert(0, str(FAULTS))

from fault_fixtures import *  # noqa: E402,F401,F403
