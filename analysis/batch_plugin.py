"""Dask worker plugin of ``analysis.batch`` (its own module so that ``analysis.batch`` imports
``distributed`` only when a Dask run starts). It fills the run-wide table of
:mod:`analysis.batch_plan`, which imports neither this module nor ``analysis.batch``."""
from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin


class SharedPlugin(WorkerPlugin):
    """Puts a run's ``analysis.batch_plan.RunShared`` (weather summary, site, cumulative sky) into the
    worker process's table on ``setup`` and removes it on ``teardown`` (when the driver
    unregisters the plugin). The scheduler also sets it up on workers that join or are restarted
    during the run, so the tasks need to carry only its key."""

    idempotent = False

    def __init__(self, shared):
        self.shared = shared

    def setup(self, worker=None):
        from .batch_plan import keep_shared

        keep_shared(self.shared)

    def teardown(self, worker=None):
        from .batch_plan import drop_shared

        drop_shared(self.shared.key)
