"""tests/faults: the scripted fault server (fault_server.py) and helpers (fault_fixtures.py)."""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from fault_fixtures import *  # noqa: E402,F401,F403
