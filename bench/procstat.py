"""CPU time and resident memory of a server process and its children, from /proc."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(x) for x in (task / "children").read_text().split()]
    return out


class ProcGroup:
    def __init__(self, pids: list[int]) -> None:
        self.roots = pids

    def pids(self) -> list[int]:
        seen, todo = [], list(self.roots)
        while todo:
            pid = todo.pop()
            seen.append(pid)
            todo += _children(pid)
        return seen

    def cpu(self) -> float:
        """User + system seconds of every live process of the group."""
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / TICK
        return total

    def run_wait(self) -> float:
        """Seconds the group's threads spent runnable but waiting for a CPU (schedstat)."""
        total = 0
        for pid in self.pids():
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    total += int((task / "schedstat").read_text().split()[1])
        return total / 1e9

    def rss(self) -> int:
        """Resident bytes of every live process of the group."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return (total - idle) / TICK, total / TICK


def wait_quiet(limit: float = 0.25, timeout: float = 120.0) -> float:
    """Wait (at most ``timeout`` s) until the machine is below ``limit`` busy over 3 s (other
    people's work shares this machine); return the busy fraction last seen."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        b0, t0 = machine_busy()
        time.sleep(3)
        b1, t1 = machine_busy()
        busy = (b1 - b0) / max(t1 - t0, 1e-9)
        if busy < limit or time.monotonic() > deadline:
            return busy
