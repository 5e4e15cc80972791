"""The benchmarks' scratch folders (copies of the 1M stores among them, half a gigabyte each)
are removed when the run that made them ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MAKE = """
from benchmarks import stores
folder = stores.scratch()
(folder / "store.db").write_bytes(b"x" * 1024)
print(folder)
"""


def test_a_scratch_folder_is_gone_when_its_run_ends() -> None:
    done = subprocess.run(
        [sys.executable, "-c", MAKE],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    folder = Path(done.stdout.strip())
    assert folder.name.startswith("campaign-bench-")
    assert not folder.exists()
