"""File helpers shared by every layer: atomic writes and JSON conversion of numpy values."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_writer(path, mode: str = "wb", **open_kwargs):
    """Open a temp file in the target's folder for streaming; on a clean exit it is flushed,
    fsynced, given the usual mode (0666 minus the umask, not mkstemp's 0600, so colleagues can
    read exports) and renamed over ``path``. On an error it is removed. A crash therefore leaves
    the old file or the new one, never a half-written file. ``open_kwargs`` go to ``open``
    (e.g. ``encoding`` for text mode)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def replace_via_temp(path, write_fn) -> Path:
    """Atomic write for libraries that write files by name (GDAL/pyogrio, rasterio, lxml):
    ``write_fn(tmp)`` writes a fresh temp path in the target's folder with the target's suffix
    (drivers pick the format by it); the result gets the usual mode (as :func:`atomic_writer`)
    and is renamed over ``path``. On an error the temp file is removed. Returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # the writer creates it (GDAL refuses to overwrite an empty file)
    try:
        write_fn(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path, "wb") as fh:
        fh.write(data)


def copy_atomically(src, dst) -> None:
    """Copy the file ``src`` to ``dst`` atomically (see :func:`atomic_writer`): a crash leaves the
    old ``dst`` or the new one, never half a file (e.g. a project's ``.bak``)."""
    import shutil

    with open(src, "rb") as fin, atomic_writer(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout)


def fsync_dir(folder) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def json_default(o):
    """``json.dumps(default=...)`` hook: numpy scalars and arrays, paths. A non-finite numpy float
    that reaches it (float32/float16: ``numpy.float64`` is a Python float, which ``json`` writes
    itself) becomes null, as JSON (RFC 8259 §6) has no NaN or infinity."""
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o) if np.isfinite(o) else None
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")
