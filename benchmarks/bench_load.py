"""Load time of every CityJSON in shared/data and of a generated 50,000-building city:
ours (read + full triangulated Scene) vs cjio's reader on the same file, in the same process,
best of 3 (1 for the big file); peak memory of each in a child process.

Target (issue 3): ratio cjio / ours ≥ 1.0 (we read *and* triangulate faster than cjio reads), < 2 GB.
"""
from __future__ import annotations

import gc
import os
import warnings

from .common import DATA, WORK, best_of, fmt_mb, peak_memory

N_BIG = int(os.environ.get("BENCH_LOAD_BUILDINGS", 50000))


def ours(path):
    from stadtbild.importers import load

    m = load(path)
    m.scene()
    return m


def cjio_read(path):
    from cjio import cityjson

    with open(path) as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cityjson.reader(fh)


def main() -> None:
    from .citygen import write_city

    files = sorted((DATA / "cityjson").glob("*.json")) + sorted((DATA / "demo").glob("*.json"))
    big = write_city(WORK / f"city_{N_BIG}.city.json", N_BIG)
    print(f"{'file':<42}{'MB':>7}{'ours s':>9}{'cjio s':>9}{'cjio/ours':>11}")
    for path in files + [big]:
        repeat = 1 if path == big else 3
        try:
            t_cjio = best_of(lambda: cjio_read(path), repeat)
        except Exception as exc:  # cjio cannot read some files (e.g. CityJSON 1.0)
            t_cjio = float("nan")
            note = f"  (cjio failed: {type(exc).__name__})"
        else:
            note = ""
        gc.collect()
        t_ours = best_of(lambda: ours(path), repeat)
        mb = path.stat().st_size / 1e6
        print(f"{path.name[:41]:<42}{mb:>7.2f}{t_ours:>9.3f}{t_cjio:>9.3f}{t_cjio / t_ours:>11.2f}{note}", flush=True)
    s_ours, m_ours = peak_memory(ours, big)
    s_cjio, m_cjio = peak_memory(cjio_read, big)
    print(f"\n{N_BIG} buildings ({big.stat().st_size / 1e6:.0f} MB): peak RSS ours {fmt_mb(m_ours)} "
          f"(load+scene {s_ours:.2f} s), cjio {fmt_mb(m_cjio)} (read {s_cjio:.2f} s); "
          f"speed ratio cjio/ours = {s_cjio / s_ours:.2f}")


if __name__ == "__main__":
    main()
