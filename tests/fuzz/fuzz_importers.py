#!/usr/bin/env python3
"""Coverage-guided fuzzing of the city-model importers with atheris (libFuzzer for Python).

Run: ``make fuzz`` (``FUZZ_SECONDS=600 make fuzz`` for longer), or directly
``.venv/bin/python tests/fuzz/fuzz_importers.py -max_total_time=120 [CORPUS_DIR …]``.

Each input's first byte picks the reader (CityJSON, CityJSONSeq, CityGML, the content sniffer, a
project file); the rest is written to a temporary file and loaded. The contract: a model (whose
scene can be built) or :class:`model.errors.InputError` — any other exception is a finding and
libFuzzer stops with the input saved as ``crash-*``. Without a corpus argument the small real
files of ../shared/data (CityJSON, CityJSONSeq, CityGML, invalid/) are copied to a temporary seed
corpus (never into the repository). Only our own packages are instrumented (numpy, lxml and
orjson are C code and would only slow the run down)."""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("STADTBILD_DATA", ROOT.parent / "shared" / "data"))

with atheris.instrument_imports(include=["importers", "model"]):
    from stadtbild.importers import load
    from stadtbild.importers.citygml import read_citygml
    from stadtbild.importers.cityjson import read_cityjson, read_cityjsonseq
    from stadtbild.model.errors import InputError
    from stadtbild.model.project import Project

WORK = Path(tempfile.mkdtemp(prefix="stadtbild-fuzz-"))
atexit.register(shutil.rmtree, WORK, True)
#: first byte of the input (mod len) -> (reader, file suffix)
READERS = [
    (read_cityjson, ".city.json"),
    (read_cityjsonseq, ".city.jsonl"),
    (read_citygml, ".gml"),
    (load, ".json"),
    (load, ".gml"),
    (Project.open, ".stadtbild"),
]
SEED_MAX_BYTES = 200_000


def test_one_input(data: bytes) -> None:
    if not data:
        return
    reader, suffix = READERS[data[0] % len(READERS)]
    path = WORK / f"case{suffix}"
    path.write_bytes(data[1:])
    try:
        result = reader(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    if hasattr(result, "scene"):
        scene = result.scene()
        if scene.n_triangles:
            assert scene.triangles.max() < len(scene.vertices)


def seed_corpus() -> Path:
    """Small real files, each prefixed with the byte that selects a fitting reader."""
    corpus = Path(tempfile.mkdtemp(prefix="stadtbild-fuzz-corpus-"))
    atexit.register(shutil.rmtree, corpus, True)
    n = 0
    for sub in ("cityjson", "cityjsonseq", "citygml", "invalid", "demo"):
        for f in sorted((DATA / sub).rglob("*")):
            if not f.is_file() or f.stat().st_size > SEED_MAX_BYTES:
                continue
            name = f.name.lower()
            if name.endswith(".jsonl"):
                prefix = 1
            elif name.endswith((".gml", ".xml")):
                prefix = 2
            elif name.endswith(".json"):
                prefix = 0
            else:
                continue
            (corpus / f"seed-{n:03d}").write_bytes(bytes([prefix]) + f.read_bytes())
            n += 1
    (corpus / "seed-project").write_bytes(bytes([5]) + b'{"format": "stadtbild-project", "version": 1, '
                                          b'"sources": [], "scenarios": [{"name": "A", "edits": []}]}')
    return corpus


def main() -> None:
    args = list(sys.argv)
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(str(seed_corpus()))
    if not any(a.startswith("-rss_limit_mb") for a in args):
        args.append("-rss_limit_mb=3072")
    if not any(a.startswith("-timeout") for a in args):
        args.append("-timeout=30")
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
