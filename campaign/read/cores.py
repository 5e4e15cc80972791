"""Whether a second core is free now: one process or two is chosen by what would run faster
on this machine at this moment (a second process beside a busy core is no faster, and holds
more memory).

The engine's own second processes (`companion`) do not count as other work: a process that
draws the report's charts beside the replay (`campaign.report.drawing`) is this command's own,
and the replay it runs beside may still take the second core.
"""

from __future__ import annotations

import os
import time

_companions: set[int] = set()


def companion(pid: int, *, alive: bool = True) -> None:
    """Count the process `pid` as this one's own while `alive`, not as other work."""
    if alive:
        _companions.add(pid)
    else:
        _companions.discard(pid)


def spare_core(samples: int = 5) -> bool:
    """Whether a core of those this process may run on has had nothing to run in each of a
    few looks at the kernel's count of runnable tasks (less this process's own threads, and
    its companions)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    if cores < 2:
        return False
    others = []
    for _ in range(samples):
        try:
            with open("/proc/loadavg", encoding="ascii") as handle:
                runnable = int(handle.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return True  # no way to look: as before, two
        others.append(runnable - _own_running())
        time.sleep(0.002)
    return min(others) < cores - 1


def _own_running() -> int:
    """How many of this process's threads are runnable (at least itself, which is), and of
    its companions."""
    running = 0
    try:
        tasks = [f"/proc/self/task/{task}/stat" for task in os.listdir("/proc/self/task")]
    except OSError:
        return 1
    for stat in [*tasks, *(f"/proc/{pid}/stat" for pid in sorted(_companions))]:
        try:
            with open(stat, encoding="ascii", errors="replace") as f:
                running += f.read().rsplit(")", 1)[-1].split()[0] == "R"
        except (OSError, IndexError):  # a thread or a companion that has just ended
            continue
    return max(running, 1)
