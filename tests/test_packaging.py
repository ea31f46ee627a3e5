"""What `pip install` puts into site-packages (issue 19): one `stadtbild` namespace holding every
layer package and subpackage of the repository and every bundled data file, nothing under a
generic top-level name. Read from pyproject.toml's setuptools tables against the folders on disk, so
a new subpackage or data file that the wheel would leave out fails here."""
from __future__ import annotations

import fnmatch
import tomllib

from tests.conftest import ROOT
from tests.test_architecture import PACKAGES as LAYERS


def setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_of_the_tree_is_installed_under_stadtbild():
    cfg = setuptools_config()
    on_disk = {"stadtbild"} | {
        "stadtbild." + ".".join(init.parent.relative_to(ROOT).parts)
        for layer in LAYERS for init in (ROOT / layer).rglob("__init__.py") if "__pycache__" not in init.parts}
    assert {p for p in cfg["packages"] if p != "stadtbild.resources"} == on_disk
    assert all(p == "stadtbild" or p.startswith("stadtbild.") for p in cfg["packages"])
    assert "py-modules" not in cfg  # main.py is the checkout's launcher, not an installed module
    for layer in LAYERS:
        assert cfg["package-dir"][f"stadtbild.{layer}"] == layer
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"stadtbild": "stadtbild.cli:main"}


def test_every_bundled_data_file_is_in_the_wheel():
    """resources/ (the demo district, GeoNames places, their SOURCE.md) is installed as
    stadtbild/resources, where model.resources looks for it beside model/."""
    from stadtbild.model.resources import DEMO_DISTRICT, PLACES_OF_GERMANY, RESOURCES

    cfg = setuptools_config()
    assert cfg["package-dir"]["stadtbild.resources"] == "resources" and RESOURCES == ROOT / "resources"
    patterns = cfg["package-data"]["stadtbild.resources"]
    files = [p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*") if p.is_file()]
    assert DEMO_DISTRICT.is_file() and PLACES_OF_GERMANY.is_file()
    assert [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)] == []
    for folder in {p.parent for p in RESOURCES.rglob("*") if p.is_file() and p.parent != RESOURCES}:
        assert (folder / "SOURCE.md").is_file(), f"{folder}: every bundled data file keeps its licence and source"
