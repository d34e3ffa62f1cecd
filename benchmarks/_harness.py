"""What every benchmark script shares: it reports, and never breaks the build."""
from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import NoReturn


def run_without_failing(name: str, main: Callable[[], None]) -> NoReturn:
    """Runs `main`; a failure is printed with its traceback, and the exit status is 0."""
    try:
        main()
    except Exception:
        traceback.print_exc()
        print(f"{name}: benchmark failed (see above); not failing the build")
    sys.exit(0)
