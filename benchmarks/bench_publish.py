"""``publish``: site size, publish time, time to the first drawn frame in headless Chromium, and a
generated city of 100 000 buildings streamed by view.

1. Demo district (Delfshaven, 853 LoD2 buildings) with the tower variant, no results: publish time
   (best of ``BENCH_PUBLISH_REPEAT``, default 2) against a baseline in the same run doing the same
   kind of work — the project's own ``export -o x.glb`` (one node per object, surface colours,
   attributes) of Bestand and of the variant — and, as a floor, trimesh's GLB of the district as
   ONE merged mesh; then the site's size (target < 20 MB), tiles and viewer apart.
2. Time to the first drawn frame in Debian's Chromium (SwiftShader, 1280×800): from navigation
   to the first frame that shows the published variant's tiles (``stadtbild.firstFrameMs`` of the
   page: performance.now() at the first postRender after the initial tiles loaded); baseline: the
   same viewer with a site of two buildings (``cityjson/dummy.city.json``), i.e. the viewer's own
   start-up (CesiumJS parse, WebGL context, shaders). Target < 5 s.
3. ``BENCH_PUBLISH_CITY`` (default 100000) generated gable houses (benchmarks/citygen.py, 5.7 km
   square): publish time and size; then the page opens it, zooms in with the mouse wheel and pans
   across the city; printed: content tiles requested at each stage out of all tiles (streamed by
   view: far fewer than all), and the peak resident memory of all Chromium processes (PSS, from
   /proc via psutil), target < 2 GB.

The machine is shared (2 cores, other engineers' jobs): timings are noisy; compare the ratios, and
the load average printed with them.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from .common import WORK, best_of

ROOT = Path(__file__).resolve().parents[1]
REPEAT = int(os.environ.get("BENCH_PUBLISH_REPEAT", 2))
CITY = int(os.environ.get("BENCH_PUBLISH_CITY", 100_000))
PARTS = os.environ.get("BENCH_PUBLISH_PARTS", "demo,city").split(",")  # e.g. only "city"
TOWER = {"name": "Variante A", "edits": [
    {"op": "demolish", "ids": ["{10A31B7E-8FC2-45EE-836A-1DB9FEF06E04}"]},
    {"op": "extrude", "id": "new-1", "footprint": [[90950, 435760], [90970, 435760], [90970, 435772], [90950, 435772]],
     "ground_z": 0.0, "height_m": 38.0, "roof": "flat"}]}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Served:
    """A site folder on a local static web server (127.0.0.1, free port)."""

    def __init__(self, folder: Path):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def browse(site: Path, steps: list, tmp: Path, name: str, width=1280, height=800) -> dict:
    """Run web/test/e2e.mjs on a served site; returns its report plus the peak PSS (bytes) of the
    Chromium processes it started, sampled every 0.25 s."""
    import psutil

    served = Served(site)
    netlog = tmp / f"{name}.netlog.json"
    plan = {"url": f"{served.url}/index.html", "out": str(tmp), "netlog": str(netlog), "chromium": "/usr/bin/chromium",
            "width": width, "height": height, "steps": steps}
    (tmp / f"{name}.plan.json").write_text(json.dumps(plan))
    out_file, err_file = open(tmp / f"{name}.out.json", "w+"), open(tmp / f"{name}.err.txt", "w+")
    proc = subprocess.Popen(["node", str(ROOT / "web" / "test" / "e2e.mjs"), str(tmp / f"{name}.plan.json")],
                            stdout=out_file, stderr=err_file, text=True, cwd=str(ROOT / "web"))
    peak = 0
    try:
        while proc.poll() is None:
            total = 0
            for main in psutil.process_iter(["cmdline"]):  # the browser: the one with our net log
                try:
                    if not any(str(netlog) in a for a in (main.info["cmdline"] or [])) or \
                            "--type=" in " ".join(main.info["cmdline"]):
                        continue
                    for p in [main, *main.children(recursive=True)]:
                        total += p.memory_full_info().pss
                except (psutil.Error, OSError):
                    continue
            peak = max(peak, total)
            time.sleep(0.25)
        proc.wait()
        out = (tmp / f"{name}.out.json").read_text()
        err = (tmp / f"{name}.err.txt").read_text()
    finally:
        served.close()
        out_file.close()
        err_file.close()
    if proc.returncode != 0:
        raise RuntimeError(f"browser run failed: {err[-800:]}")
    report = json.loads(out)
    if report.get("fatal"):
        raise RuntimeError(f"page failed: {report['fatal']}")
    report["peak_pss"] = peak
    return report


def _size(folder: Path, sub: str = "") -> int:
    return sum(f.stat().st_size for f in (folder / sub).rglob("*") if f.is_file())


def _content_requests(report) -> int:
    return sum(1 for r in report["requests"] if r["url"].endswith(".glb"))


def main() -> None:
    import trimesh
    from trimesh.exchange.gltf import export_glb

    from stadtbild.exporters.publish import public_states, publish_site, viewer_dist
    from stadtbild.importers import load
    from stadtbild.model.scenario import Scenario
    from tests.conftest import DEMO, data_file

    print(f"load average {os.getloadavg()[0]:.1f} (2 cores, shared machine)")
    if viewer_dist() is None:
        print("web viewer not built (make web): browser figures skipped")
    tmp = Path(tempfile.mkdtemp(prefix="bench_publish_"))
    model = load(DEMO)
    scen = tmp / "tower.scenario.json"
    scen.write_text(json.dumps(TOWER))
    sc = model.scene()

    def floor():
        (tmp / "baseline.glb").write_bytes(export_glb(trimesh.Scene(trimesh.Trimesh(sc.vertices, sc.triangles,
                                                                                    process=False))))

    def baseline():  # the same two states through the project's glTF export
        from stadtbild.exporters.meshes import write_gltf

        variant = Scenario.load(scen).apply(model)
        write_gltf(model, tmp / "bestand.glb")
        write_gltf(variant, tmp / "variant.glb")

    def publish_demo():
        states, _ = public_states(model, [Scenario.load(scen)])
        return publish_site(states, tmp / "demo", time_zone="Europe/Amsterdam")

    if "demo" not in PARTS:
        return city_part(tmp)
    t_floor = best_of(floor, REPEAT)
    t_base = best_of(baseline, REPEAT)
    t_pub = best_of(publish_demo, REPEAT)
    site = tmp / "demo"
    total, tiles, viewer = _size(site), _size(site, "tiles"), _size(site, "cesium")
    print(f"demo publish (Bestand + variant, {sc.n_triangles:,} triangles per state): {t_pub:.2f} s; "
          f"baseline export -o .glb of both states {t_base:.2f} s, ratio {t_pub / t_base:.2f}; "
          f"floor (one merged mesh) {t_floor:.3f} s")
    print(f"demo site size {total / 1e6:.1f} MB (target < 20 MB): tiles {tiles / 1e6:.1f} MB "
          f"(2 states + ground), CesiumJS {viewer / 1e6:.1f} MB, baseline GLB {(tmp / 'baseline.glb').stat().st_size / 1e6:.1f} MB")
    if viewer_dist() is None or not Path("/usr/bin/chromium").exists():
        return
    small_states, _ = public_states(load(data_file("cityjson/dummy.city.json")))
    publish_site(small_states, tmp / "small", time_zone="Europe/Amsterdam")
    base_r = browse(tmp / "small", [], tmp, "small")
    demo_r = browse(site, [], tmp, "demo")
    print(f"first drawn frame: demo {demo_r['firstFrameMs'] / 1000:.1f} s (target < 5 s), "
          f"two-building site {base_r['firstFrameMs'] / 1000:.1f} s, ratio {demo_r['firstFrameMs'] / base_r['firstFrameMs']:.2f}; "
          f"marks {demo_r.get('marks')}; browser peak PSS {demo_r['peak_pss'] / 1e6:.0f} MB")
    city_part(tmp)


def city_part(tmp: Path) -> None:
    from stadtbild.exporters.publish import public_states, publish_site, viewer_dist
    from stadtbild.importers import load

    from .citygen import write_city

    if CITY <= 0 or "city" not in PARTS or viewer_dist() is None:
        return

    city_file = WORK / f"city_{CITY}.city.json"
    if not city_file.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        write_city(city_file, CITY)
    t0 = time.perf_counter()
    city = load(city_file)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    states, _ = public_states(city)
    summary = publish_site(states, tmp / "city", time_zone="Europe/Berlin")
    t_city = time.perf_counter() - t0
    n_tiles = len(list((tmp / "city" / "tiles" / "bestand" / "content").glob("*.glb")))
    print(f"{CITY:,} buildings: load {t_load:.1f} s, publish {t_city:.1f} s "
          f"({t_city / CITY * 1e6:.0f} µs per building), "
          f"site {summary['bytes'] / 1e6:.0f} MB, {n_tiles} content tiles")
    w, h = 1280, 800
    steps = [{"do": "memory", "shot": "city_home.png"},
             {"do": "wheel", "at": [w // 2, h // 2], "dy": -600, "times": 6, "shot": "city_zoom.png"},
             {"do": "memory"},
             {"do": "pan", "from": [w // 2, h // 2], "to": [w // 2 - 500, h // 2 - 250], "shot": "city_pan1.png"},
             {"do": "pan", "from": [w // 2, h // 2], "to": [w // 2 - 500, h // 2 - 250], "shot": "city_pan2.png"},
             {"do": "memory"}]
    r = browse(tmp / "city", steps, tmp, "city", w, h)
    mem = [s for s in r["steps"] if s["do"] == "memory"]
    used = [s["tiles"]["bestand"]["memoryBytes"] / 1e6 for s in mem]
    print(f"city in the browser: first frame {r['firstFrameMs'] / 1000:.1f} s; content tiles requested "
          f"{_content_requests(r)} of {n_tiles}; tileset memory after home / zoom / pan "
          f"{', '.join(f'{u:.0f}' for u in used)} MB; JS heap {mem[-1]['metrics'].get('JSHeapUsedSize', 0) / 1e6:.0f} MB; "
          f"peak PSS of all Chromium processes {r['peak_pss'] / 1e9:.2f} GB (target < 2 GB)")
    for name in ("city_home.png", "city_zoom.png", "city_pan2.png"):
        dst = ROOT / "tests" / "artifacts" / f"bench_publish_{name}"
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp / name, dst)
    print(f"screenshots: tests/artifacts/bench_publish_city_*.png")
    shutil.rmtree(tmp, ignore_errors=True)
