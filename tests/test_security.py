"""Hostile input: XML entities and DTDs, remote references, zip bombs and traversal, oversized
files. What is checked is what a hostile file could do: read a local file into the model, open a
network connection, exhaust memory or time. Memory ceilings are measured in a child process
(``VmHWM``, polled with psutil to kill a runaway child)."""
from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import psutil
import pytest

from stadtbild.importers import load
from stadtbild.importers.citygml import read_citygml
from stadtbild.model.errors import InputError
from stadtbild.model.project import MAX_PROJECT_BYTES, Project
from tests.conftest import ROOT, data_file

PASSWD = Path("/etc/passwd")
NS = ('xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml" '
      'xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:gen="http://www.opengis.net/citygml/generics/2.0" xmlns:xi="http://www.w3.org/2001/XInclude" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')
POLY = ('<gml:surfaceMember><gml:Polygon gml:id="p1"><gml:exterior><gml:LinearRing><gml:posList>0 0 0 4 0 0 4 3 0 0 0 0'
        '</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>')


def citygml(body_attr: str = "", name: str = "plain", head: str = "", extra_members: str = "",
            root_attrs: str = "", id_attr: str = "b1") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{head}<core:CityModel {NS} {root_attrs}>\n'
            f'<core:cityObjectMember><bldg:Building gml:id="{id_attr}" {body_attr}><gml:name>{name}</gml:name>'
            f'<gen:stringAttribute name="note"><gen:value>{name}</gen:value></gen:stringAttribute>'
            f'<bldg:lod2MultiSurface><gml:MultiSurface>{POLY}</gml:MultiSurface></bldg:lod2MultiSurface>'
            f'</bldg:Building></core:cityObjectMember>{extra_members}</core:CityModel>\n')


def everything_in(model) -> str:
    """All text a model carries (ids, types, attributes, extras, metadata, warnings)."""
    parts = [repr(model.metadata), repr(model.warnings), repr(getattr(model, "crs", None))]
    for obj in model.objects.values():
        parts += [obj.id, obj.type, repr(obj.attributes), repr(obj.extra)]
    for g in model.geometries:
        parts.append(repr(g.semantic_surfaces))
    return "\n".join(parts)


# ---------------------------------------------------------------- child-process measurements
def run_child(code: str, timeout: float = 60.0, rss_limit_mb: float = 3000, env=None) -> dict:
    """Run ``code`` in a fresh Python; it must print one JSON line. Adds ``peak_rss_mb`` (the
    child's own VmHWM) and ``seconds``; kills the child when its RSS passes the limit."""
    prog = textwrap.dedent(code) + textwrap.dedent("""
        import json as _j
        _out = dict(globals().get("RESULT", {}))
        # VmHWM: peak RSS of this process image (ru_maxrss would include the forking parent's)
        _hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
        _out["peak_rss_mb"] = int(_hwm.split()[1]) / 1024
        print(_j.dumps(_out))
    """)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", prog], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)})
    ps = psutil.Process(proc.pid)
    killed = False
    while proc.poll() is None:
        try:
            if ps.memory_info().rss > rss_limit_mb * 2**20:
                proc.kill()
                killed = True
        except psutil.NoSuchProcess:
            break
        if time.perf_counter() - t0 > timeout:
            proc.kill()
            killed = True
        time.sleep(0.05)
    out, err = proc.communicate()
    assert not killed, f"child exceeded {rss_limit_mb} MB or {timeout} s"
    assert proc.returncode == 0, err.decode()[-2000:]
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["seconds"] = time.perf_counter() - t0
    return result


# ---------------------------------------------------------------- XML entities and DTDs
@pytest.mark.parametrize("variant", ["entity-text", "entity-attribute", "parameter-entity", "xinclude",
                                     "external-dtd-default-attribute"])
def test_no_local_file_content_reaches_the_model(tmp_path, variant):
    """XXE: the content of /etc/passwd must not appear anywhere in the model."""
    secret_line = PASSWD.read_text().splitlines()[0]
    assert secret_line.startswith("root:")
    url = PASSWD.as_uri()
    if variant == "entity-text":
        doc = citygml(name="&xxe;", head=f'<!DOCTYPE core:CityModel [<!ENTITY xxe SYSTEM "{url}">]>\n')
    elif variant == "entity-attribute":
        doc = citygml(id_attr="&xxe;", head=f'<!DOCTYPE core:CityModel [<!ENTITY xxe SYSTEM "{url}">]>\n')
    elif variant == "parameter-entity":
        doc = citygml(name="&all;", head=(f'<!DOCTYPE core:CityModel [<!ENTITY % file SYSTEM "{url}">'
                                         f'<!ENTITY % wrap "<!ENTITY all \'%file;\'>"> %wrap;]>\n'))
    elif variant == "xinclude":
        doc = citygml(name=f'<xi:include href="{url}" parse="text"/>')
    else:
        dtd = tmp_path / "evil.dtd"
        dtd.write_text(f'<!ENTITY xxe SYSTEM "{url}"><!ATTLIST bldg:Building note CDATA "&xxe;">')
        doc = citygml(name="&xxe;", head=f'<!DOCTYPE core:CityModel SYSTEM "{dtd.as_uri()}">\n')
    path = tmp_path / "xxe.gml"
    path.write_text(doc)
    try:
        model = load(path)
    except InputError as exc:
        assert "root:" not in str(exc)
        return
    text = everything_in(model)
    assert "root:" not in text and secret_line not in text
    assert model.n_polygons == 1  # the rest of the file is read normally


def test_billion_laughs_and_quadratic_blowup_stay_small(tmp_path):
    """Entity expansion bombs: refused or left unexpanded, in bounded memory and time."""
    ents = ['<!ENTITY lol0 "lollollollollollollollollollol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    (tmp_path / "laughs.gml").write_text(citygml(name="&lol9;", head="<!DOCTYPE core:CityModel [" + "".join(ents) + "]>\n"))
    big = "x" * 100_000
    (tmp_path / "quadratic.gml").write_text(citygml(name="&big;" * 5000, head=f'<!DOCTYPE core:CityModel [<!ENTITY big "{big}">]>\n'))
    res = run_child(f"""
        from stadtbild.importers import load
        from stadtbild.model.errors import InputError
        RESULT = {{}}
        for name in ("laughs", "quadratic"):
            try:
                m = load({str(tmp_path)!r} + "/" + name + ".gml")
                RESULT[name] = max(len(repr(o.attributes)) for o in m.objects.values())
            except InputError as exc:
                RESULT[name] = str(exc)
    """, timeout=60, rss_limit_mb=1500)
    for name in ("laughs", "quadratic"):
        assert isinstance(res[name], str) or res[name] < 10_000, res
    assert res["peak_rss_mb"] < 600, res  # an expanded billion laughs is ~3 GB, the quadratic one 500 MB
    assert res["seconds"] < 30


class CountingServer:
    """A TCP listener on 127.0.0.1 that counts connections (catches C libraries too, which a
    patched Python ``socket`` would not)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        time.sleep(0.3)
        self.running = False
        self.thread.join(2)
        self.sock.close()


def _fifo(tmp_path) -> Path:
    p = tmp_path / "secret-fifo"
    os.mkfifo(p)
    return p


def _release(p: Path) -> None:
    try:
        os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


def test_remote_dtd_entities_schemas_and_xlinks_open_no_connection_and_read_no_file(tmp_path):
    server = CountingServer()
    fifo = _fifo(tmp_path)  # opening it for reading would block: a read would hang the load
    base = f"http://127.0.0.1:{server.port}"
    remote_member = ('<core:cityObjectMember xlink:href="{base}/member.gml#b9"/>'
                     '<core:cityObjectMember><bldg:Building gml:id="b2"><bldg:lod2MultiSurface><gml:MultiSurface>'
                     '<gml:surfaceMember xlink:href="{base}/polys.gml#p7"/><gml:surfaceMember xlink:href="{fifo}#p8"/>'
                     '</gml:MultiSurface></bldg:lod2MultiSurface><bldg:lod2Solid xlink:href="{base}/solid.gml#s1"/>'
                     '</bldg:Building></core:cityObjectMember>').format(base=base, fifo=fifo.as_uri())
    docs = {
        "remote-dtd.gml": citygml(head=f'<!DOCTYPE core:CityModel SYSTEM "{base}/evil.dtd">\n'),
        "remote-entity.gml": citygml(name="&r;", head=f'<!DOCTYPE core:CityModel [<!ENTITY r SYSTEM "{base}/e.txt">]>\n'),
        "remote-param.gml": citygml(head=f'<!DOCTYPE core:CityModel [<!ENTITY % r SYSTEM "{base}/p.dtd"> %r;]>\n'),
        "schema.gml": citygml(root_attrs=f'xsi:schemaLocation="http://www.opengis.net/citygml/2.0 {base}/city.xsd"'),
        "xlinks.gml": citygml(extra_members=remote_member),
    }
    results = {}
    box = {}

    def work():
        for name, doc in docs.items():
            p = tmp_path / name
            p.write_text(doc)
            try:
                results[name] = read_citygml(p)
            except InputError as exc:
                results[name] = exc
        box["done"] = True

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(60)
    _release(fifo)
    server.close()
    assert box.get("done"), "a load blocked: something opened the local FIFO or waited on the network"
    assert server.connections == 0, "the importer connected to a remote URL"
    m = results["xlinks.gml"]
    assert set(m.objects) >= {"b1", "b2"}
    assert any("xlink" in w for w in m.warnings)  # remote references are reported as unresolved


# ---------------------------------------------------------------- zip inputs
def _zip(members: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zipped_project_members_are_never_extracted(tmp_path):
    """A zipped project with traversal names (../, absolute): only project.json is read, in
    memory; nothing is written anywhere."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    proj = {"format": "stadtbild-project", "version": 1, "sources": [], "scenarios": [{"name": "A", "edits": []}]}
    raw = _zip({"../../evil.txt": "x", "/tmp/stadtbild-evil-abs.txt": "x", "project.json": json.dumps(proj),
                "../project.json": "{}"})
    path = work / "p.stadtbild"
    path.write_bytes(raw)
    before = sorted(p for p in tmp_path.rglob("*"))
    p = Project.open(path)
    assert [s.name for s in p.scenarios] == ["A"]
    assert sorted(tmp_path.rglob("*")) == before
    assert not Path("/tmp/stadtbild-evil-abs.txt").exists()


@pytest.mark.parametrize("size, what", [(MAX_PROJECT_BYTES + 2**20, "unpacks to"), (20 * 2**20, "ratio")])
def test_zip_bomb_project_is_refused_before_decompressing(tmp_path, size, what):
    raw = _zip({"project.json": b" " * size})
    path = tmp_path / "bomb.stadtbild"
    path.write_bytes(raw)
    assert len(raw) < size / 200
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=what) as exc:
        Project.open(path)
    assert time.perf_counter() - t0 < 1.0
    assert "\n" not in str(exc.value)


def test_broken_and_encrypted_project_archives_are_input_errors(tmp_path):
    raw = _zip({"project.json": "{}"})
    for name, data in {"cut": raw[: len(raw) // 2] + b"PK\x03\x04",
                       "noproject": _zip({"other.json": "{}"}),
                       "flagged-encrypted": raw.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00", 1)
                       .replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00", 1)}.items():
        path = tmp_path / f"{name}.stadtbild"
        path.write_bytes(data)
        with pytest.raises(InputError):
            Project.open(path)


def test_oversized_plain_project_is_refused_without_reading(tmp_path):
    path = tmp_path / "huge.stadtbild"
    with open(path, "wb") as fh:
        fh.truncate(MAX_PROJECT_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(InputError, match="larger than"):
        Project.open(path)


# ---------------------------------------------------------------- resource bounds
def test_cityjson_over_the_size_limit_fails_fast(tmp_path):
    """A 2 GB CityJSON (sparse file) is refused from its size, in well under a second."""
    path = tmp_path / "huge.city.json"
    with open(path, "wb") as fh:
        fh.write(b'{"type":"CityJSON","version":"2.0","vertices":[')
        fh.truncate(2 * 10**9)
    res = run_child(f"""
        from stadtbild.importers import load
        from stadtbild.model.errors import InputError
        try:
            load({str(path)!r}); RESULT = {{"error": None}}
        except InputError as exc:
            RESULT = {{"error": str(exc)}}
    """, timeout=30, rss_limit_mb=800)
    assert res["error"] and "too large" in res["error"] and "CityJSONSeq" in res["error"]
    assert res["peak_rss_mb"] < 400 and res["seconds"] < 15


def test_cityjson_that_would_not_fit_in_memory_is_refused(tmp_path, monkeypatch):
    import stadtbild.importers.cityjson as cj

    monkeypatch.setattr(cj, "_available_memory", lambda: 1000)
    with pytest.raises(InputError, match="free") as exc:
        load(data_file("cityjson/twobuildings_m.json"))
    assert "CityJSONSeq" in str(exc.value)


def test_vertex_index_claiming_a_billion_vertices_allocates_nothing(tmp_path):
    doc = {"type": "CityJSON", "version": "2.0", "transform": {"scale": [1, 1, 1], "translate": [0, 0, 0]},
           "CityObjects": {"a": {"type": "Building", "geometry": [
               {"type": "MultiSurface", "lod": "1", "boundaries": [[[0, 1, 10**9 - 1]], [[0, 1, 2]]]}]}},
           "vertices": [[0, 0, 0], [1, 0, 0], [1, 1, 0]]}
    path = tmp_path / "claim.city.json"
    path.write_text(json.dumps(doc))
    t0 = time.perf_counter()
    model = load(path)
    assert time.perf_counter() - t0 < 2
    assert model.n_polygons == 1 and any("do not exist" in w for w in model.warnings)


def test_cityjsonseq_overlong_feature_line_is_skipped_in_bounded_memory(tmp_path):
    """A CityJSONSeq whose 2nd line is a 300 MB 'feature' (sparse zeros, no newline until the
    end): skipped with a warning, read in 1 MB chunks, the other features kept."""
    src = data_file("cityjsonseq/lod2_buildings_as_CityJSON_features.city.jsonl").read_bytes().split(b"\n")
    path = tmp_path / "long.city.jsonl"
    with open(path, "wb") as fh:
        fh.write(src[0] + b"\n" + src[1] + b"\n")
        fh.write(b'{"type":"CityJSONFeature","vertices":[')
        start = fh.tell()
        fh.truncate(start + 300 * 10**6)
        fh.seek(0, 2)
        fh.write(b"\n" + src[2] + b"\n")
    res = run_child(f"""
        from stadtbild.importers import load
        m = load({str(path)!r})
        RESULT = {{"objects": len(m.objects), "warnings": m.warnings}}
    """, timeout=60, rss_limit_mb=900, env={"STADTBILD_MAX_SEQ_LINE_BYTES": str(50 * 10**6)})
    assert res["objects"] >= 2
    assert any("longer than 50 MB" in w for w in res["warnings"]), res["warnings"]
    assert res["peak_rss_mb"] < 450, res


def write_gable_city_gml(path: Path, n: int) -> int:
    """A CityGML 2.0 file of ``n`` gable-roofed LoD2 buildings (Solid + Wall/Roof/Ground
    surfaces), written in chunks; returns the file size."""
    rng = np.random.default_rng(7)
    side = int(np.ceil(np.sqrt(n)))
    with open(path, "w") as fh:
        fh.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<core:CityModel {NS}>\n')
        for k in range(n):
            x, y = 500000.0 + (k % side) * 20, 5700000.0 + (k // side) * 20
            w, d, e = rng.uniform(8, 12), rng.uniform(8, 12), rng.uniform(6, 14)
            r = e + 3
            g = [(x, y, 0), (x + w, y, 0), (x + w, y + d, 0), (x, y + d, 0)]
            t = [(px, py, e) for px, py, _ in g]
            ridge = [(x, y + d / 2, r), (x + w, y + d / 2, r)]
            faces = {"GroundSurface": [[g[0], g[3], g[2], g[1]]],
                     "WallSurface": [[g[0], g[1], t[1], t[0]], [g[2], g[3], t[3], t[2]],
                                     [g[1], g[2], t[2], ridge[1], t[1]], [g[3], g[0], t[0], ridge[0], t[3]]],
                     "RoofSurface": [[t[0], t[1], ridge[1], ridge[0]], [t[2], t[3], ridge[0], ridge[1]]]}
            parts = [f'<core:cityObjectMember><bldg:Building gml:id="B{k}"><bldg:measuredHeight uom="m">{r:.2f}'
                     f'</bldg:measuredHeight><bldg:lod2Solid><gml:Solid><gml:exterior><gml:CompositeSurface>']
            parts += [f'<gml:surfaceMember xlink:href="#B{k}_{s}_{j}"/>' for s, fl in faces.items() for j in range(len(fl))]
            parts.append("</gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod2Solid>")
            for s, fl in faces.items():
                for j, ring in enumerate(fl):
                    coords = " ".join(f"{a:.3f} {b:.3f} {c:.3f}" for a, b, c in ring + [ring[0]])
                    parts.append(f'<bldg:boundedBy><bldg:{s}><bldg:lod2MultiSurface><gml:MultiSurface><gml:surfaceMember>'
                                 f'<gml:Polygon gml:id="B{k}_{s}_{j}"><gml:exterior><gml:LinearRing><gml:posList>{coords}'
                                 f'</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>'
                                 f'</gml:MultiSurface></bldg:lod2MultiSurface></bldg:{s}></bldg:boundedBy>')
            parts.append("</bldg:Building></core:cityObjectMember>\n")
            fh.write("".join(parts))
        fh.write("</core:CityModel>\n")
    return path.stat().st_size


def _rss_mb_code() -> str:
    return 'int([l for l in open("/proc/self/status") if l.startswith("VmRSS:")][0].split()[1]) / 1024'


def test_citygml_streaming_memory_is_bounded(tmp_path):
    """Streaming keeps memory bounded: reading a generated 30 MB city peaks at the memory of the
    finished model plus a small transient (one batch of members), never at the size of a
    document tree. References measured in other child processes: the interpreter with the
    imports, and lxml building the whole tree of the same file (what a DOM reader needs before
    it has made a single object)."""
    n = 8000
    path = tmp_path / "city.gml"
    size_mb = write_gable_city_gml(path, n) / 2**20
    ours = run_child(f"""
        import gc
        from stadtbild.importers.citygml import read_citygml
        m = read_citygml({str(path)!r})
        gc.collect()
        RESULT = {{"buildings": len(m.objects), "polygons": m.n_polygons, "final_mb": {_rss_mb_code()}}}
    """, timeout=120, rss_limit_mb=2500)
    base = run_child("import numpy, lxml.etree, importers.citygml\nRESULT = {}", timeout=60)
    dom = run_child(f"""
        from lxml import etree
        t = etree.parse({str(path)!r})
        RESULT = {{"elements": sum(1 for _ in t.iter())}}
    """, timeout=120, rss_limit_mb=4000)
    assert ours["buildings"] == n and ours["polygons"] == 7 * n
    peak, final, base_mb, dom_mb = ours["peak_rss_mb"], ours["final_mb"], base["peak_rss_mb"], dom["peak_rss_mb"]
    print(f"\nCityGML {size_mb:.0f} MB, {n} buildings: peak {peak:.0f} MB, model held {final:.0f} MB, "
          f"imports {base_mb:.0f} MB; lxml DOM of the file {dom_mb:.0f} MB")
    transient = peak - final
    assert transient < 0.35 * (final - base_mb) + 20, (peak, final, base_mb)
    assert peak - base_mb < 4 * size_mb


@pytest.mark.parametrize("uri", ["../../../../../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "remote"])
def test_gltf_buffer_uris_cannot_reach_outside_files_or_the_network(tmp_path, uri):
    """A design (.gltf) whose buffer points outside its folder, to an absolute path or a URL:
    refused with one error line, no byte of /etc/passwd becomes a vertex, no connection made."""
    from stadtbild.importers.meshes import read_mesh_design

    server = CountingServer()
    if uri == "remote":
        uri = f"http://127.0.0.1:{server.port}/buffer.bin"
    doc = {"asset": {"version": "2.0"}, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
           "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
           "buffers": [{"uri": uri, "byteLength": 36}], "bufferViews": [{"buffer": 0, "byteLength": 36}],
           "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"}]}
    (tmp_path / "d").mkdir()
    path = tmp_path / "d" / "design.gltf"
    path.write_text(json.dumps(doc))
    try:
        with pytest.raises(InputError) as exc:
            read_mesh_design(path)
        assert "\n" not in str(exc.value)
    finally:
        server.close()
    assert server.connections == 0


def test_gdal_inputs_are_local_plain_files_only(tmp_path):
    """Terrain and layers go through GDAL, which follows references in VRT/WMS/… files and
    opens URLs: measured before the fix, a terrain VRT and a layer VRT opened connections.
    Now URLs, /vsi… paths and XML files are refused before GDAL sees them."""
    from stadtbild.importers import load
    from stadtbild.importers.layers import attach_layers, list_layers
    from stadtbild.importers.terrain import attach_terrain

    server = CountingServer()
    base = f"http://127.0.0.1:{server.port}"
    dem = tmp_path / "dem.vrt"
    dem.write_text(f'<VRTDataset rasterXSize="10" rasterYSize="10"><SRS>EPSG:25832</SRS>'
                   f'<GeoTransform>330000,1,0,5731400,0,-1</GeoTransform><VRTRasterBand dataType="Float32" band="1">'
                   f'<SimpleSource><SourceFilename>/vsicurl/{base}/dem.tif</SourceFilename><SourceBand>1</SourceBand>'
                   f'</SimpleSource></VRTRasterBand></VRTDataset>')
    layer = tmp_path / "layer.vrt"
    layer.write_text(f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/{base}/x.geojson'
                     f'</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>')
    wms = tmp_path / "wms.xml"
    wms.write_text(f'<GDAL_WMS><Service name="WMS"><ServerUrl>{base}/wms</ServerUrl></Service></GDAL_WMS>')
    model = load(data_file("citygml/nrw/LoD2_32_330_5731_1_NW.gml"))
    errors = []
    try:
        for fn, arg in [(attach_terrain, dem), (attach_terrain, wms), (attach_terrain, f"{base}/dem.tif"),
                        (attach_terrain, f"/vsicurl/{base}/dem.tif"), (attach_layers, [layer]), (attach_layers, [wms]),
                        (attach_layers, [f"{base}/x.geojson"]), (list_layers, Path(f"{base}/x.gpkg"))]:
            with pytest.raises(InputError) as exc:
                fn(model, arg) if fn is not list_layers else fn(arg)
            errors.append(str(exc.value))
    finally:
        server.close()
    assert server.connections == 0
    assert all("\n" not in e for e in errors) and sum("only local files" in e for e in errors) == 4


def test_citygml_giant_text_node_is_refused_in_bounded_memory(tmp_path):
    """One posList of 30 MB (libxml2's limit for a text node without huge_tree is 10 MB): a
    clean outcome (the objects before it, or one error line), not 30 MB × numpy copies."""
    path = tmp_path / "giant.gml"
    head, tail = citygml().split("<gml:posList>0 0 0 4 0 0 4 3 0 0 0 0</gml:posList>")
    with open(path, "w") as fh:
        fh.write(head + "<gml:posList>")
        chunk = "1.5 2.5 3.5 " * 100_000
        for _ in range(25):
            fh.write(chunk)
        fh.write("1.5 2.5 3.5</gml:posList>" + tail)
    res = run_child(f"""
        from stadtbild.importers import load
        from stadtbild.model.errors import InputError
        try:
            m = load({str(path)!r}); RESULT = {{"outcome": "model", "polygons": m.n_polygons, "warnings": m.warnings}}
        except InputError as exc:
            RESULT = {{"outcome": str(exc)}}
    """, timeout=60, rss_limit_mb=1500)
    assert res["outcome"] != "model" or res["polygons"] <= 1, res
    assert "\n" not in res["outcome"]
    assert res["peak_rss_mb"] < 400, res
