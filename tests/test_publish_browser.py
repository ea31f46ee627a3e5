"""The published web scene in a real browser: Debian's Chromium, headless, software WebGL
(SwiftShader), driven by playwright-core (``web/test/e2e.mjs``) with real mouse and keyboard
events, against the site served by a local static web server on 127.0.0.1.

Chromium is started so that it cannot reach off this machine (background networking, component
updates and sync off; every host name except 127.0.0.1 resolves to NOTFOUND), and its net log
records every request with its initiator: requests the page makes (initiator = the page's origin)
must all stay on that origin; the browser's own housekeeping (initiator "not an origin") is
reported, not judged. Screenshots go to tests/artifacts/publish_*.png.

Asserted on the pixels: buildings are drawn (roof-red pixels); the toggle Bestand/variant changes
the pixels where the tower stands and hardly anywhere else; the swipe shows Bestand left and the
variant right of the handle; the time slider moves the tower's shadow from west (09:00) to east
(17:00); clicking a building's screen position shows its id; a result layer recolours roofs.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ARTIFACTS, ROOT
from tests.test_publish import _tower_ecef, site  # noqa: F401  (the published demo fixture)
from tests.tiles3d_check import feature_vertices

WEB = ROOT / "web"
CHROMIUM = os.environ.get("STADTBILD_CHROMIUM", "/usr/bin/chromium")
W, H = 1024, 640


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} missing: the Makefile installs Debian's chromium (make test)"
    if shutil.which("node") is None:
        return "node is not installed: the browser test drives Chromium with playwright-core on Node.js"
    if not (WEB / "node_modules" / "playwright-core").is_dir():
        return "web/node_modules/playwright-core missing: run `make web` (npm ci in web/)"
    if not (WEB / "dist" / "index.html").is_file():
        return "web/dist missing: run `make web` (builds the viewer)"
    return None


@pytest.fixture(scope="module")
def browser_ready():
    why = _missing()
    if why:
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):  # noqa: F811
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def drive(url: str, steps: list, tmp: Path, name: str) -> dict:
    """Run web/test/e2e.mjs with a plan; returns its JSON report plus the parsed net log."""
    out_dir = ARTIFACTS
    out_dir.mkdir(parents=True, exist_ok=True)
    netlog = tmp / f"{name}.netlog.json"
    plan = {"url": f"{url}/index.html", "out": str(out_dir), "netlog": str(netlog), "chromium": CHROMIUM,
            "width": W, "height": H, "steps": steps}
    plan_file = tmp / f"{name}.plan.json"
    plan_file.write_text(json.dumps(plan))
    proc = subprocess.run(["node", str(WEB / "test" / "e2e.mjs"), str(plan_file)], capture_output=True, text=True,
                          timeout=600, cwd=str(WEB))
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert not report.get("fatal"), (report.get("fatal"), report.get("console"))
    (out_dir / f"publish_{name}_report.json").write_text(json.dumps(report, indent=1))
    report["netlog"] = read_netlog(netlog)
    return report


def read_netlog(path: Path) -> list[dict]:
    """[{url, initiator, type}] of every request in a Chromium net log, and the remote address of
    every TCP connection and every UDP datagram sent ({address, type}). (A UDP "connect" alone
    sends nothing: Chromium uses one to a public address to learn its own local address.)"""
    raw = path.read_text()
    try:
        doc = json.loads(raw)
    except ValueError:  # a log cut off when the browser closed
        doc = json.loads(raw.rstrip().rstrip(",") + "]}")
    names = {v: k for k, v in doc["constants"]["logEventTypes"].items()}
    out = []
    for e in doc["events"]:
        p = e.get("params") or {}
        kind = names.get(e["type"], "")
        if kind == "URL_REQUEST_START_JOB" and "url" in p:
            out.append({"url": p["url"], "initiator": p.get("initiator"), "type": kind})
        if kind == "TCP_CONNECT" and "remote_address" in p:
            out.append({"address": str(p["remote_address"]), "type": kind})
        elif kind in ("TCP_CONNECT_ATTEMPT", "UDP_BYTES_SENT") and "address" in p:
            out.append({"address": str(p["address"]), "type": kind})
    return out


def png(path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def roof_red(img: np.ndarray) -> np.ndarray:
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > g + 40) & (r > b + 40) & (r > 90)


def _feature_roof_centres(site: Path, state: str) -> dict:  # noqa: F811
    """{feature id: (roof centre ECEF, plan position in the site's ENU frame, height)} of a state."""
    out = {}
    for oid, (ecef, local) in feature_vertices(site / "tiles" / state / "tileset.json").items():
        top = local[:, 2] > local[:, 2].max() - 0.5
        out[oid] = (ecef[top].mean(axis=0), local[top].mean(axis=0)[:2], np.ptp(local[:, 2]))
    return out


@pytest.fixture(scope="module")
def run_browser(browser_ready, served, site, tmp_path_factory):  # noqa: F811
    tmp = tmp_path_factory.mktemp("browser")
    variant = _feature_roof_centres(site, "variante-a")
    bestand = _feature_roof_centres(site, "bestand")
    tower = variant["new-1"]
    # a Bestand building near the tower (plan distance 40-120 m), the tallest of those
    near = [(h, oid) for oid, (_, xy, h) in bestand.items() if 40 < np.linalg.norm(xy - tower[1]) < 120]
    other = max(near)[1]
    tower_base = _tower_ecef(site)
    steps = [
        {"do": "date", "date": "2026-06-21", "shot": "publish_overview.png"},
        {"do": "click_view", "name": "Turm von oben"},
        {"do": "time", "minutes": 9 * 60, "shot": "publish_top_0900.png"},
        {"do": "time", "minutes": 17 * 60, "shot": "publish_top_1700.png"},
        {"do": "project", "points": [tower[0].tolist(), bestand[other][0].tolist()]
         + [p.tolist() for p in tower_base[np.argsort(tower_base[:, 2])[:4]]]},
        {"do": "click_point", "point": tower[0].tolist()},
        {"do": "layer", "key": "variante-a:solar_kwh_m2a", "shot": "publish_top_layer.png"},
        {"do": "layer", "key": "variante-a:solar_kwh_m2a", "on": False},
        {"do": "state", "value": "bestand", "shot": "publish_top_bestand_1700.png"},
        {"do": "time", "minutes": 9 * 60, "shot": "publish_top_bestand_0900.png"},
        {"do": "click_point", "point": bestand[other][0].tolist()},
        {"do": "state", "value": "swipe"},
        {"do": "swipe", "x": 300, "shot": "publish_swipe_300.png"},
        {"do": "swipe", "x": 720, "shot": "publish_swipe_720.png"},
    ]
    report = drive(served, steps, tmp, "demo")
    report.update(origin=served, other=other)
    return report


def _step(report, do, n=0):
    return [s for s in report["steps"] if s["do"] == do][n]


def test_page_loads_and_draws_the_buildings(run_browser):
    r = run_browser
    assert r["errors"] == [] and r["pageErrors"] == []
    img = png(ARTIFACTS / "publish_overview.png")
    assert roof_red(img).mean() > 0.02  # roofs in the roof colour, 2 % of the picture or more
    bad = [q for q in r["requests"] if q.get("status", 200) >= 400 or q.get("failure")]
    assert bad == []


def test_no_request_leaves_the_origin(run_browser):
    r = run_browser
    origin = r["origin"]
    page = [q["url"] for q in r["requests"]]
    assert page and all(u.startswith(origin + "/") or u.startswith(("data:", "blob:")) for u in page), \
        [u for u in page if not u.startswith(origin)]
    by_page = [e for e in r["netlog"] if e.get("initiator") == origin]
    assert len(by_page) >= 10  # the net log did record the page's requests with their initiator
    assert [e["url"] for e in by_page if not e["url"].startswith(origin + "/")] == []
    # no TCP connection and no UDP datagram to anywhere but this machine
    addresses = [e["address"] for e in r["netlog"] if "address" in e]
    assert any(e["type"] == "TCP_CONNECT" for e in r["netlog"])
    assert all(a.startswith(("127.0.0.1", "[::1]", "::1")) for a in addresses), addresses[:5]


def test_clicking_a_building_shows_its_id(run_browser):
    tower = _step(run_browser, "click_point", 0)
    assert tower["featureId"] == "new-1" and "new-1" in tower["infoText"]
    other = _step(run_browser, "click_point", 1)
    assert other["featureId"] == run_browser["other"]


def test_toggle_changes_the_pixels_where_the_variant_differs(run_browser):
    variant = png(ARTIFACTS / "publish_top_1700.png")
    bestand = png(ARTIFACTS / "publish_top_bestand_1700.png")
    (tx, ty), *_ = _step(run_browser, "project")["points"]
    diff = np.abs(variant - bestand).sum(axis=2) > 40
    yy, xx = np.mgrid[0:H, 0:W]
    near = (np.abs(xx - tx) < 10) & (np.abs(yy - ty) < 8)
    assert diff[near].mean() > 0.9  # the tower's roof
    far = np.hypot(xx - tx, yy - ty) > 200  # beyond the tower and its evening shadow
    assert diff[far & (yy > 60)].mean() < 0.01


def test_swipe_shows_bestand_left_and_variant_right(run_browser):
    """With the handle left of the tower it is there (the variant's side), with the handle right of
    it, it is gone (Bestand's side). The swipe draws no shadows (one shadow map would let the
    tower shade the Bestand half), so the tower's roof is compared, which no shadow touches."""
    variant = png(ARTIFACTS / "publish_top_0900.png")
    (tx, ty), *_ = _step(run_browser, "project")["points"]
    tx, ty = int(round(tx)), int(round(ty))
    win = (slice(ty - 8, ty + 8), slice(tx - 10, tx + 10))
    right = png(ARTIFACTS / "publish_swipe_300.png")  # tower right of the handle: the variant
    left = png(ARTIFACTS / "publish_swipe_720.png")  # tower left of the handle: Bestand
    assert np.abs(right[win] - variant[win]).mean() < 6
    assert np.abs(left[win] - variant[win]).mean() > 25 and np.abs(left[win] - right[win]).mean() > 25
    # away from the handle both sides show the same unchanged buildings


def test_time_slider_moves_the_tower_shadow_from_west_to_east(run_browser):
    """At 09:00 (CEST) on 21 June the sun is in the east, at 17:00 in the west-south-west: the
    tower's shadow lies west of it in the morning and east of it in the evening (top view, north up)."""
    (tx, ty), *_ = _step(run_browser, "project")["points"]

    def tower_shadow(hhmm):  # darker with the tower than without it at the same time
        var, best = png(ARTIFACTS / f"publish_top_{hhmm}.png"), png(ARTIFACTS / f"publish_top_bestand_{hhmm}.png")
        return var.mean(axis=2) < best.mean(axis=2) - 25

    yy, xx = np.mgrid[0:H, 0:W]
    around = (np.hypot(xx - tx, yy - ty) < 200) & (yy > 60)
    morning, evening = tower_shadow("0900") & around, tower_shadow("1700") & around
    assert morning.sum() > 300 and evening.sum() > 300
    assert xx[morning].mean() < tx - 20 < tx + 20 < xx[evening].mean()
    assert (morning & evening).sum() < 0.2 * min(morning.sum(), evening.sum())  # it moved


def test_a_result_layer_recolours_the_roofs(run_browser):
    plain = png(ARTIFACTS / "publish_top_1700.png")
    layer = png(ARTIFACTS / "publish_top_layer.png")
    (tx, ty), *_ = _step(run_browser, "project")["points"]
    tx, ty = int(round(tx)), int(round(ty))
    win = (slice(ty - 6, ty + 6), slice(tx - 8, tx + 8))
    assert np.abs(layer[win] - plain[win]).sum(axis=2).mean() > 60
