"""The formats' official validators, for tests that check what Stadtbild writes.

- CityJSON 2.0 and CityJSONSeq: the CityJSON 2.0.2 JSON schemas (``../shared/schemas/cityjson-2.0.2``),
  Draft 7, with a registry holding every schema file; a CityJSONSeq file is checked line by line
  (first line against ``cityjson.schema.json``, every further line against
  ``cityjsonfeature.schema.json``), as the CityJSON 2.0 spec §9 defines it. Two engines: the
  reference implementation ``jsonschema`` (with ``referencing``), and ``jsonschema-rs`` (Rust),
  which the tests use for whole files because the schema's ``oneOf`` over 40 city-object types
  makes ``jsonschema`` take ~0.3 s per building (16 s for one 55-building NRW tile against 1 ms).
  ``tests/test_official_validation.py`` checks that both engines give the same verdicts.
- CityGML 2.0: the OGC CityGML 2.0 XSDs with local GML 3.1.1/xAL copies
  (``../shared/schemas/citygml-2.0``) with lxml's ``XMLSchema``, fully offline.
- glTF 2.0 / GLB: the Khronos glTF validator (npm ``gltf-validator``, installed in ``tools/`` by
  ``npm ci`` from the Makefile) through ``tools/validate_gltf.js``.

Each ``*_errors`` function returns a list of human-readable problems (empty = valid), so that a
failing test prints what the validator said.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = Path(os.environ.get("STADTBILD_SCHEMAS", ROOT.parent / "shared" / "schemas")).resolve()
TOOLS = ROOT / "tools"
GLTF_VALIDATOR_JS = TOOLS / "validate_gltf.js"


def _schema_dir(name: str) -> Path:
    path = SCHEMAS / name
    if not path.is_dir():
        raise FileNotFoundError(f"official schemas missing: {path} (see ../shared/schemas/README.md)")
    return path


def _cityjson_schemas() -> dict[str, dict]:
    """{file name: schema} of the CityJSON 2.0.2 schema folder (the minified duplicates left out:
    they carry the same $id)."""
    folder = _schema_dir("cityjson-2.0.2")
    return {p.name: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.schema.json")) if ".min." not in p.name}


@functools.lru_cache(maxsize=None)
def _cityjson_validators(engine: str = "rs"):
    """(CityJSON validator, CityJSONFeature validator) over the 2.0.2 schema files; engine "rs"
    (jsonschema-rs) or "python" (jsonschema + referencing)."""
    schemas = _cityjson_schemas()
    main, feature = schemas["cityjson.schema.json"], schemas["cityjsonfeature.schema.json"]
    if engine == "python":
        from jsonschema import Draft7Validator
        from referencing import Registry, Resource

        registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
        return Draft7Validator(main, registry=registry), Draft7Validator(feature, registry=registry)
    import jsonschema_rs

    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()])
    return (jsonschema_rs.Draft7Validator(main, registry=registry),
            jsonschema_rs.Draft7Validator(feature, registry=registry))


def _schema_messages(validator, doc, where: str) -> list[str]:
    out = []
    for e in validator.iter_errors(doc):
        path = getattr(e, "instance_path", None)
        path = e.absolute_path if path is None else path
        out.append(f"{where}/{'/'.join(map(str, path))}: {e.message[:300]}")
    return sorted(out)


def cityjson_errors(doc_or_path, engine: str = "rs") -> list[str]:
    """Schema errors of a CityJSON 2.0 document (a dict or a path to a .city.json file)."""
    doc = json.loads(Path(doc_or_path).read_text(encoding="utf-8")) if isinstance(doc_or_path, (str, Path)) \
        else doc_or_path
    return _schema_messages(_cityjson_validators(engine)[0], doc, "")


def cityjsonseq_errors(path, engine: str = "rs") -> list[str]:
    """Schema errors of a CityJSONSeq (JSON Lines) file: the header line as CityJSON, each further
    line as a CityJSONFeature. An empty file or one without features is an error too."""
    city, feature = _cityjson_validators(engine)
    lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]
    if len(lines) < 2:
        return [f"{path}: {len(lines)} line(s): a CityJSONSeq needs a header and at least one feature"]
    errors = _schema_messages(city, json.loads(lines[0]), "line 1")
    for n, line in enumerate(lines[1:], start=2):
        errors += _schema_messages(feature, json.loads(line), f"line {n}")
    return errors


@functools.lru_cache(maxsize=None)
def _citygml2_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(_schema_dir("citygml-2.0") / "CityGML.xsd")))


def citygml2_errors(path) -> list[str]:
    """Errors of a CityGML 2.0 file against the OGC CityGML 2.0 XSDs (lxml XMLSchema, offline)."""
    from lxml import etree

    schema = _citygml2_schema()
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log][:50]


def gltf_validator_available() -> bool:
    return shutil.which("node") is not None and (TOOLS / "node_modules" / "gltf-validator").is_dir()


def require_gltf_validator():
    """Skip where node is absent; where node is present the validator must be installed (the
    Makefile's ``npm ci`` in tools/), so under CI a missing install fails instead of skipping."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the Khronos glTF validator runs on Node.js")
    if not (TOOLS / "node_modules" / "gltf-validator").is_dir():
        message = "tools/node_modules/gltf-validator missing: run `npm ci --prefix tools` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def gltf_reports(*paths) -> list[dict]:
    """The Khronos validator's report objects for glTF/GLB files (external resources resolved)."""
    require_gltf_validator()
    proc = subprocess.run(["node", str(GLTF_VALIDATOR_JS), *map(str, paths)], capture_output=True,
                          text=True, timeout=300)
    if proc.returncode == 2:
        raise AssertionError(f"gltf-validator could not read the file: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def gltf_errors(*paths) -> list[str]:
    """Errors (severity 0) the Khronos glTF validator reports, as 'file: CODE pointer: message'."""
    out = []
    for report in gltf_reports(*paths):
        for msg in report["issues"]["messages"]:
            if msg["severity"] == 0:
                out.append(f"{report['uri']}: {msg['code']} {msg.get('pointer', msg.get('offset', ''))}: "
                           f"{msg['message']}")
    return out
