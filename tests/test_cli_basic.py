"""The CLI contract: `info --json` keys, one-line errors with exit code 2, off-screen render."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from stadtbild.cli import main
from tests.conftest import DATA, ROOT, data_file

INFO_KEYS = {"format", "version", "crs", "object_counts", "lods", "bbox", "vertices", "triangles"}
VALID_JSON = [p for p in sorted((DATA / "cityjson").glob("*.json")) + sorted((DATA / "cityjsonseq").glob("*.jsonl"))
              + sorted((DATA / "demo").glob("*.json"))]


def run_cli(capsys, *argv):
    code = main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path", VALID_JSON, ids=lambda p: p.name)
def test_info_json_on_every_valid_file(capsys, path):
    code, out, err = run_cli(capsys, "info", path, "--json")
    assert code == 0, err
    info = json.loads(out)
    assert INFO_KEYS <= set(info)
    raw = json.loads(path.read_text().splitlines()[0]) if path.suffix == ".jsonl" else json.loads(path.read_text())
    assert info["format"] == ("CityJSONSeq" if path.suffix == ".jsonl" else "CityJSON")
    assert info["version"] == ".".join(str(raw["version"]).split(".")[:2])
    if info["bbox"] is not None:
        b = info["bbox"]
        assert b[0] <= b[3] and b[1] <= b[4] and b[2] <= b[5]


def test_info_demo_figures(capsys, demo_path):
    code, out, _ = run_cli(capsys, "info", demo_path, "--json")
    info = json.loads(out)
    assert info["crs"] == "EPSG:28992"
    assert info["object_counts"] == {"Building": 853}
    assert info["lods"] == ["2"]
    assert info["vertices"] == 22246
    # bbox equals the file's own geographicalExtent (written by its producer)
    assert info["bbox"] == pytest.approx([90409.32, 435440.44, 0.0, 91453.879, 436089.946, 41.158], abs=1e-3)
    assert info["triangles"] > 853 * 10


@pytest.mark.parametrize("rel", ["invalid/completely_empty.json", "invalid/geojson_not_cityjson.json",
                                 "invalid/truncated_with-errors.json", "invalid/unclosedbracket.city.jsonl"])
def test_bad_file_exit_2_one_line(capsys, rel):
    path = data_file(rel)
    code, out, err = run_cli(capsys, "info", path)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ")


def test_missing_file_and_bad_option(capsys, tmp_path):
    code, _, err = run_cli(capsys, "info", tmp_path / "nope.json")
    assert code == 2 and "no such file" in err
    code, _, err = run_cli(capsys, "render", data_file("cityjson/cube_v10.city.json"), "-o", tmp_path / "x.png",
                           "--size", "big")
    assert code == 2 and err.strip() == "error: --size must look like 1920x1080, got 'big'"
    with pytest.raises(SystemExit) as ex:  # argparse's own errors exit 2 as well
        main(["info", "--no-such-option", str(data_file("cityjson/cube_v10.city.json"))])
    assert ex.value.code == 2


def test_real_process_exit_code_and_no_traceback(tmp_path):
    env = dict(os.environ, CI="true")
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), "info", str(data_file("invalid/invalid_missing_type.json"))],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.startswith("error: ")


def test_render_png(capsys, tmp_path):
    from PIL import Image

    out = tmp_path / "lod2.png"
    code, _, err = run_cli(capsys, "render", data_file("cityjson/lod2_buildings_v2.city.json"), "-o", out,
                           "--size", "640x360", "--view", "iso")
    assert code == 0, err
    img = np.asarray(Image.open(out).convert("RGB")).astype(float)
    assert img.shape == (360, 640, 3)
    # not blank: the buildings' red roofs are there (red clearly above green and blue)
    red = (img[..., 0] > 140) & (img[..., 0] - img[..., 1] > 50) & (img[..., 0] - img[..., 2] > 50)
    assert red.sum() > 200
    assert img.std() > 10


def test_render_refuses_non_png_output(capsys):
    src = data_file("cityjson/cube_v10.city.json")
    code, _, err = run_cli(capsys, "render", src, "-o", src)
    assert code == 2 and "PNG" in err
