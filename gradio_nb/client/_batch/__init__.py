"""Batches: run one endpoint over many inputs (``map``), or over a grid (``sweep``).

    policy.py   the scheduler, pure: windows, AIMD, retries, replicas (no I/O, fake-clock tests)
    driver.py   carries the policy's actions out on the loop thread (one task per batch)
    batch.py    Batch / Item / BatchSnapshot: the sync and async faces
    inputs.py   items -> call arguments; DataFrame rows; sweep grids (lazy)
    cache.py    the SQLite result cache (resume after a crash or a restart)
    api.py      map/sweep entry points: checks in the caller's thread, then start
    progress.py the tqdm bar; table.py to_pandas
"""

from .batch import Batch, BatchSnapshot, Item

__all__ = ["Batch", "BatchSnapshot", "Item"]
