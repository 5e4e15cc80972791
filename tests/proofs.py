"""The standalone proof verifier (tools/verify_proof.py), loaded from its file as an auditor
runs it: it is not part of the installed package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

VERIFIER = Path(__file__).resolve().parents[1] / "tools" / "verify_proof.py"


def load_verifier() -> ModuleType:
    found = sys.modules.get("verify_proof")
    if found is not None:
        return found
    spec = importlib.util.spec_from_file_location("verify_proof", VERIFIER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["verify_proof"] = module
    spec.loader.exec_module(module)
    return module
