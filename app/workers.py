"""Background jobs with progress and Cancel, so the window stays responsive.

A job is a plain function ``fn(progress, cancelled) -> result`` that runs in a worker thread:
``progress(fraction)`` (0..1) reports progress and raises :class:`Cancelled` once the user pressed
Cancel; ``cancelled()`` can be polled. Functions that never call either still run, and a cancelled
job's late result is discarded. Results come back to the GUI thread through queued signals.
Worker threads never touch Qt widgets or VTK objects.

The workers are Python threads (``concurrent.futures.ThreadPoolExecutor``), not QThreadPool
threads: Python creates and drops a thread state each time a Qt pool thread enters Python, and
pyproj keeps a per-thread PROJ context that then dangles — the next CRS created on that reused
thread crashed inside ``proj_create`` (reproduced under the GUI tests). Python threads keep their
state, and Qt delivers their signals queued to the GUI thread all the same.
"""
from __future__ import annotations

import threading
import time
import traceback
import warnings

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from stadtbild.model.errors import Cancelled, InputError  # noqa: F401 — Cancelled: raised in a job when the user
# cancelled it, by progress() here or by an analysis cancel point (RayCaster(cancel=...)): one class


class JobSignals(QObject):
    progress = Signal(float)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Job:
    """One background job. Keep a reference until it has signalled."""

    def __init__(self, fn, label: str = ""):
        self.fn = fn
        self.label = label
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self.done = threading.Event()
        self.started_at = None
        self.seconds = None
        self._last_emit = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, fraction: float, total=None) -> None:
        if total:  # also accept progress(done, total) as the CLI's Progress does
            fraction = float(fraction) / float(total)
        if self._cancel.is_set():
            raise Cancelled()
        now = time.monotonic()
        # at most 8 updates per second: a progress bar repaints at once on a big step, and those
        # repaints in the window's thread slowed short jobs down
        if now - self._last_emit > 0.125 or fraction >= 1.0:
            self._last_emit = now
            self._emit(self.signals.progress, max(0.0, min(1.0, float(fraction))))

    def _emit(self, signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window (and the signal object) is gone: nobody waits any more
            pass

    def run(self) -> None:  # worker thread
        self.started_at = time.perf_counter()
        try:
            result = self.fn(self._progress, self.is_cancelled)
        except Cancelled:
            self._emit(self.signals.cancelled)
        except InputError as exc:
            from .i18n import error_text

            self._emit(self.signals.failed, error_text(exc))  # in the UI language
        except MemoryError:
            from .i18n import tr

            self._emit(self.signals.failed, tr("out of memory (the input is too large for this machine)"))
        except Exception as exc:  # a bug: one line for the dialog, the traceback in the log
            try:
                from stadtbild.model.logs import log_exception

                where = log_exception(exc)
            except Exception:
                where = "(log not writable)"
                traceback.print_exc()
            from .i18n import tr

            self._emit(self.signals.failed, tr("internal error: {what} (details in {where})").format(
                what=f"{type(exc).__name__}: {' '.join(str(exc).split())}", where=where))
        else:
            if self._cancel.is_set():
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.finished, result)
        finally:
            self.seconds = time.perf_counter() - self.started_at
            self.done.set()


class JobRunner(QObject):
    """Starts jobs on a small pool of Python worker threads (two: the machine's cores are shared
    with the GUI and VTK) and keeps them alive until they report back."""

    job_started = Signal(object)
    job_ended = Signal(object)

    def __init__(self, parent=None, workers: int = 2):
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stadtbild-job")
        self.active: list[Job] = []

    def start(self, fn, label: str = "", on_done=None, on_error=None, on_cancel=None, quiet: bool = False) -> Job:
        """Run ``fn`` in a worker; ``quiet``: the window's status bar does not show it (its
        caller shows the progress itself)."""
        job = Job(fn, label)
        job.quiet = quiet
        if on_done:
            # Cancel pressed after the worker finished but before its result reached this thread
            # (the bar already at 100 %) still cancels: the result is dropped
            job.signals.finished.connect(lambda r, j=job: (on_cancel() if on_cancel else None) if j.is_cancelled()
                                         else on_done(r))
        if on_error:
            job.signals.failed.connect(on_error)
        if on_cancel:
            job.signals.cancelled.connect(on_cancel)
        for sig in (job.signals.finished, job.signals.failed, job.signals.cancelled):
            sig.connect(lambda *_a, j=job: self._ended(j))
        self.active.append(job)
        self.job_started.emit(job)
        self.pool.submit(job.run)
        return job

    def _ended(self, job: Job) -> None:
        if job in self.active:
            self.active.remove(job)
        self.job_ended.emit(job)
        # the slots connected to the job's signals are Python closures that hold the job (and
        # what its function captured: models, scenes); Qt keeps them alive from C++, where
        # Python's garbage collector cannot see the cycle: every finished job leaked its model
        QTimer.singleShot(0, lambda j=job: self._release(j))

    @staticmethod
    def _release(job: Job) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # PySide warns when nothing was connected
            for sig in (job.signals.progress, job.signals.finished, job.signals.failed, job.signals.cancelled):
                try:
                    sig.disconnect()
                except (RuntimeError, TypeError):  # nothing connected
                    pass
        job.fn = None

    def cancel_all(self) -> None:
        for job in list(self.active):
            job.cancel()

    def busy(self) -> bool:
        return bool(self.active)

    def shutdown(self, timeout_s: float = 3.0) -> None:
        """Cancel everything and wait (at most ``timeout_s``) for the workers to notice."""
        self.cancel_all()
        for job in list(self.active):
            job.done.wait(timeout_s)
        self.pool.shutdown(wait=False, cancel_futures=True)
