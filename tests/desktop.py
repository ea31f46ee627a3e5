"""A virtual desktop for the GUI tests: Xvfb with three screens and a window manager on each.

Started by tests/conftest.py only for a session that runs GUI tests (marker ``gui`` or a Qt
fixture), so that the thousands of short pytest runs of other work (single files, mutation
testing) start no X server at all. Screens: 1600×1000 (the default, where windows open),
1280×720 and 3840×2160 (the smallest and the largest screen a presentation must fill), 24-bit
colour for OpenGL. The window manager (openbox, Debian package, see the Makefile's APT_PKGS)
makes activation, focus, stacking and full screen behave as on a planner's desktop.

Xvfb and the window managers are started with ``PR_SET_PDEATHSIG``: the kernel ends them when
the pytest process ends, however it ends (a timeout's SIGKILL, an out-of-memory kill), so no
orphaned X server is left behind holding the memory of its screens.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import time

SCREENS = ((1600, 1000), (1280, 720), (3840, 2160))
WINDOW_MANAGER = ("openbox", "--sm-disable")
PR_SET_PDEATHSIG = 1


def _spawn(args, env=None, **kw) -> subprocess.Popen:
    """Start ``args`` so that the kernel sends it SIGTERM when this thread (the pytest main thread
    that runs the session fixture) ends. A parent that ended between fork and ``prctl`` is caught
    by comparing the parent pid afterwards: the child then exits before it becomes an orphan."""
    parent = os.getpid()

    def die_with_parent() -> None:  # runs in the child between fork and exec
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os._exit(1)

    return subprocess.Popen(args, env=env, preexec_fn=die_with_parent, **kw)


def _wm_running(env) -> bool:
    """True once an EWMH window manager has announced itself on the root window of the screen
    that ``env["DISPLAY"]`` names."""
    p = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env, capture_output=True, text=True,
                       timeout=10)
    return p.returncode == 0 and "window id" in p.stdout


class VirtualDesktop:
    """Xvfb on a free display number with :data:`SCREENS`, and a window manager per screen."""

    def __init__(self, screens=SCREENS):
        self.screens = screens
        self.display: str | None = None
        self.xvfb: subprocess.Popen | None = None
        self.window_managers: list[subprocess.Popen] = []

    def start(self) -> "VirtualDesktop":
        for tool in ("Xvfb", WINDOW_MANAGER[0], "xprop"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"the GUI tests need {tool}: apt-get install xvfb openbox x11-utils (make sysdeps)")
        read_fd, write_fd = os.pipe()
        args = ["Xvfb", "-br", "-nolisten", "tcp", "-displayfd", str(write_fd)]
        for k, (w, h) in enumerate(self.screens):
            args += ["-screen", str(k), f"{w}x{h}x24"]
        self.xvfb = _spawn(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(write_fd,))
        os.close(write_fd)
        number = b""
        deadline = time.monotonic() + 30
        with os.fdopen(read_fd, "rb") as pipe:  # Xvfb writes the display number it chose, then a newline
            while not number.endswith(b"\n") and time.monotonic() < deadline:
                chunk = pipe.read(1)
                if not chunk:
                    break
                number += chunk
        if not number.strip():
            err = self.xvfb.stderr.read().decode(errors="replace") if self.xvfb.poll() is not None else "timeout"
            self.stop()
            raise RuntimeError(f"Xvfb did not start: {err}")
        self.display = f":{number.decode().strip()}"
        try:
            for k in range(len(self.screens)):
                self.window_managers.append(self._window_manager(dict(os.environ, DISPLAY=f"{self.display}.{k}")))
        except RuntimeError:
            self.stop()
            raise
        return self

    def _window_manager(self, env, attempts: int = 3) -> subprocess.Popen:
        """Start the window manager on one screen and wait until it runs (a loaded machine may
        need a second attempt)."""
        errors = []
        for _ in range(attempts):
            proc = _spawn(WINDOW_MANAGER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 30
            while proc.poll() is None and time.monotonic() < deadline:
                if _wm_running(env):
                    return proc
                time.sleep(0.05)
            if proc.poll() is None:
                proc.kill()
            errors.append(proc.communicate()[1].decode(errors="replace").strip() or f"exit code {proc.returncode}")
        raise RuntimeError(f"{WINDOW_MANAGER[0]} did not start on {env['DISPLAY']}: {' | '.join(errors)}")

    def stop(self) -> None:
        for proc in [*self.window_managers, self.xvfb]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in [*self.window_managers, self.xvfb]:
            if proc is not None:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.window_managers = []
        self.xvfb = None
