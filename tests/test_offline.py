"""Data protection: Stadtbild makes no network connection. Key CLI commands and imports run in
a child process (1) with Python's socket connect patched to record and refuse every
non-loopback address and (2) under ``strace -f -e trace=connect``, which also sees C libraries
(libxml2, GDAL, PROJ, libcurl) that bypass Python's socket module. Allowed: loopback
(127.0.0.0/8, ::1) — dask's LocalCluster (``batch``) talks to its workers over loopback TCP by
design — and AF_UNIX sockets (local name service). Servers must not listen on the network
either: binds to non-loopback addresses are recorded too (dask's dashboard used to)."""
from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys

from tests.conftest import DATA, DEMO, ROOT

CHILD = r'''
import json, os, socket, sys
attempts = []

def _loopback(address):
    host = address[0] if isinstance(address, tuple) else address
    try:
        import ipaddress
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return str(host) in ("localhost",)

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def guarded(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
        attempts.append(repr(address))
        raise OSError(101, "network blocked by test")
    return _connect(self, address)

def guarded_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
        attempts.append(repr(address))
        return 101
    return _connect_ex(self, address)

socket.socket.connect, socket.socket.connect_ex = guarded, guarded_ex
_bind = socket.socket.bind

def guarded_bind(self, address):  # a server listening on the network exposes the data too
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
        attempts.append("bind:" + repr(address))
    return _bind(self, address)

socket.socket.bind = guarded_bind
_gai = socket.getaddrinfo

def gai(host, *a, **k):
    if host not in (None, "localhost", "127.0.0.1", "::1", "") and not _loopback((host,)):
        attempts.append("dns:" + str(host))
    return _gai(host, *a, **k)

socket.getaddrinfo = gai

from stadtbild import cli
rcs = {}
for name, argv in json.loads(sys.argv[1]):
    try:
        rcs[name] = cli.main(argv)
    except SystemExit as exc:
        rcs[name] = exc.code
print("RESULT " + json.dumps({"attempts": attempts, "rcs": rcs}))
'''


def _commands(tmp_path):
    gml = str(DATA / "citygml/nrw/LoD2_32_330_5731_1_NW.gml")
    lod3 = str(DATA / "citygml/ogc_pairs/v2/Building_LOD2-EPSG25832.gml")
    seq = str(DATA / "cityjsonseq/lod2_buildings_as_CityJSON_features.city.jsonl")
    demo = str(DEMO)
    scen = tmp_path / "s.scenario.json"
    scen.write_text(json.dumps({"name": "A", "edits": [{"op": "demolish_within", "polygon": [[0, 0], [1, 0], [1, 1]]}]}))
    o = str(tmp_path)
    x, y = 330328.0, 5731303.0
    return [
        ("info-cityjson", ["info", demo, "--json"]),
        ("info-citygml", ["info", gml, lod3, "--json"]),
        ("info-seq", ["info", seq, "--json"]),
        ("sun", ["sun", gml, "--time", "2026-06-21T15:00", "--json"]),
        ("shadow", ["shadow", gml, "--time", "2026-06-21T15:00", "--grid", "2", "--json", "-o", f"{o}/sh.geojson"]),
        ("sightline", ["sightline", gml, "--from", f"{x - 30},{y}", "--to", f"{x + 30},{y}", "--json"]),
        ("solar", ["solar", gml, "--json", "-o", f"{o}/solar.csv"]),
        ("metrics", ["metrics", gml, "--json"]),
        ("setbacks", ["setbacks", lod3, "--json"]),
        ("apply", ["apply", gml, "--scenario", str(scen), "-o", f"{o}/a.city.json", "--json"]),
        ("export-gml", ["export", gml, "-o", f"{o}/e.gml", "--json", "--public"]),
        ("export-glb", ["export", gml, "-o", f"{o}/e.glb", "--json"]),
        ("export-gpkg", ["export", gml, "-o", f"{o}/e.gpkg", "--json"]),
        ("export-ifc", ["export", lod3, "-o", f"{o}/e.ifc", "--json"]),
        ("batch", ["batch", "metrics", gml, lod3, "--out", f"{o}/batch", "--json"]),
    ]


def _run(tmp_path, strace: bool):
    cmds = _commands(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STADTBILD_LOG_DIR": str(tmp_path / "log"),
           "MPLBACKEND": "Agg"}
    argv = [sys.executable, "-c", CHILD, json.dumps(cmds)]
    trace = tmp_path / "strace.txt"
    if strace:
        argv = ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace)] + argv
    proc = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert line, proc.stderr[-3000:]
    res = json.loads(line[-1][7:])
    return res, (trace.read_text() if strace else "")


def _remote_connects(trace: str) -> list[str]:
    out = []
    for ln in trace.splitlines():
        if "connect(" not in ln:
            continue
        m = re.search(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"', ln)
        if not m:
            continue  # AF_UNIX (name service, dbus) and AF_NETLINK are local
        addr = ipaddress.ip_address(m.group(1) or m.group(2))
        if getattr(addr, "ipv4_mapped", None):
            addr = addr.ipv4_mapped
        if not addr.is_loopback:
            out.append(ln)
    return out


def test_key_commands_connect_nowhere_even_from_c_libraries(tmp_path):
    """With strace installed (``make sysdeps`` installs it) C-level connects are checked too;
    without it the Python socket guard still runs."""
    use_strace = shutil.which("strace") is not None
    res, trace = _run(tmp_path, strace=use_strace)
    assert res["attempts"] == [], res["attempts"]
    failed = {k: v for k, v in res["rcs"].items() if v not in (0,)}
    assert not failed, failed
    if use_strace:
        assert _remote_connects(trace) == [], _remote_connects(trace)[:5]
        assert "connect(" in trace  # strace saw the process's connects at all (dask's loopback ones)


def test_socket_guard_detects_a_connection_attempt(tmp_path):
    """The guard is live: a deliberate connect to a public address is recorded and refused."""
    probe = CHILD.replace("import cli\n", "import cli\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=0.1)\nexcept OSError:\n    pass\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", probe, "[]"], env=env, capture_output=True, text=True, timeout=60)
    res = json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1][7:])
    assert "('192.0.2.1', 80)" in res["attempts"]


def test_proj_network_is_off_even_when_the_environment_enables_it():
    code = "import importers, pyproj.network, rasterio; print(pyproj.network.is_network_enabled())"
    env = {**os.environ, "PROJ_NETWORK": "ON", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr
