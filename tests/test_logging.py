"""The rotating log file: internal errors with traceback, version and the failing file name;
input errors as one line; rotation; STADTBILD_LOG_DIR."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from stadtbild import cli
from stadtbild.model import logs as common
from tests.conftest import ROOT, data_file


@pytest.fixture()
def log_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STADTBILD_LOG_DIR", str(tmp_path / "logs"))
    yield tmp_path / "logs"
    if common._file_handler is not None:  # do not leave a handler on a deleted folder
        logging.getLogger("stadtbild").removeHandler(common._file_handler)
        common._file_handler.close()
        common._file_handler = None


def test_internal_error_is_logged_with_version_file_and_traceback(log_dir, monkeypatch, capsys):
    def boom(args):
        raise ZeroDivisionError("simulated bug")

    src = data_file("cityjson/twobuildings_m.json")
    import argparse

    orig_parse = argparse.ArgumentParser.parse_args

    def parse(self, *a, **k):  # the parser binds func at build time: swap in the failing run
        ns = orig_parse(self, *a, **k)
        if getattr(ns, "command", None) == "info":
            ns.func = boom
        return ns

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse)
    rc = cli.main(["info", str(src)])
    err = capsys.readouterr().err
    assert rc == 1
    log = log_dir / "stadtbild.log"
    assert f"details in {log}" in err and err.count("\n") == 1
    text = log.read_text()
    assert f"stadtbild {common.version()}" in text
    assert "ZeroDivisionError: simulated bug" in text and "Traceback" in text
    assert str(src) in text


def test_input_error_is_one_log_line_with_the_file(log_dir, tmp_path, capsys):
    bad = tmp_path / "broken.city.json"
    bad.write_text("{not json")
    assert cli.main(["info", str(bad)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {bad}:")
    lines = (log_dir / "stadtbild.log").read_text().splitlines()
    hits = [ln for ln in lines if str(bad) in ln]
    assert len(hits) == 1 and "WARNING" in hits[0] and common.version() in hits[0]


def test_log_rotates(log_dir):
    common.setup_file_logging()
    log = logging.getLogger("stadtbild.test")
    for i in range(3000):
        log.warning("line %d %s", i, "x" * 500)
    files = sorted(p.name for p in log_dir.iterdir())
    assert "stadtbild.log" in files and "stadtbild.log.1" in files
    assert len(files) <= 1 + common.LOG_BACKUPS
    assert all((log_dir / f).stat().st_size <= common.LOG_MAX_BYTES + 1000 for f in files)
    assert "line 2999" in common.read_log_tail()


def test_log_dir_from_environment_in_a_fresh_process(tmp_path):
    bad = tmp_path / "missing-type.json"
    bad.write_text('{"version": "2.0", "CityObjects": {}}')
    env = {**os.environ, "STADTBILD_LOG_DIR": str(tmp_path / "state"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "info", str(bad)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert str(bad) in (tmp_path / "state" / "stadtbild.log").read_text()
