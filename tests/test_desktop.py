"""The GUI tests' virtual desktop (tests/desktop.py) never outlives the process that started it.

Killed pytest runs (timeouts, the thousands of runs of mutation testing) once left hundreds of
orphaned Xvfb servers behind, ~55 MB each, until the machine's memory was full. Here a child
Python process starts the desktop and is killed with SIGKILL (no handler, no atexit, no fixture
teardown runs): the kernel's parent-death signal must end Xvfb and every window manager.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
START = """
import sys, time
sys.path.insert(0, {root!r})
from tests.desktop import VirtualDesktop
d = VirtualDesktop().start()
print(d.display, d.xvfb.pid, *[w.pid for w in d.window_managers], flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_the_desktop_ends_with_the_process_that_started_it(sig):
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    child = subprocess.Popen([sys.executable, "-c", START.format(root=str(ROOT))], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = child.stdout.readline().split()
        assert line, f"the desktop did not start: {child.stderr.read()[-2000:]}"
        display, pids = line[0], [int(p) for p in line[1:]]
        assert len(pids) == 4, line  # Xvfb and a window manager on each of the three screens
        assert all(_alive(p) for p in pids)
        assert Path(f"/tmp/.X11-unix/X{display.lstrip(':')}").exists()
    finally:
        child.send_signal(sig)
        child.wait(30)
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    orphans = [p for p in pids if _alive(p)]
    for p in orphans:  # this test must not leak what it checks for
        os.kill(p, signal.SIGKILL)
    assert not orphans, "Xvfb or a window manager outlived its parent"
    # SIGTERM lets Xvfb remove its socket and lock file, so display numbers are not used up
    assert not Path(f"/tmp/.X11-unix/X{display.lstrip(':')}").exists()
    assert not Path(f"/tmp/.X{display.lstrip(':')}-lock").exists()
