"""Dask worker plugin of ``analysis.batch`` (its own module so that ``analysis.batch`` imports
``distributed`` only when a Dask run starts)."""
from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin


class SharedPlugin(WorkerPlugin):
    """Puts a run's ``analysis.batch.RunShared`` (weather summary, site, cumulative sky) into the
    worker process's table on ``setup`` and removes it on ``teardown`` (when the driver
    unregisters the plugin). The scheduler also sets it up on workers that join or are restarted
    during the run, so the tasks need to carry only its key."""

    idempotent = False

    def __init__(self, shared):
        self.shared = shared

    def setup(self, worker=None):
        from . import batch

        with batch._RUN_SHARED_LOCK:
            batch._RUN_SHARED[self.shared.key] = self.shared

    def teardown(self, worker=None):
        from . import batch

        with batch._RUN_SHARED_LOCK:
            batch._RUN_SHARED.pop(self.shared.key, None)
