from stadtbild.importers import load
from tests.conftest import data_file


def test_demo_loads(demo_model):
    assert demo_model.object_counts() == {"Building": 853}
    assert demo_model.crs.epsg == 28992


def test_delft_types():
    m = load(data_file("demo/delft.city.json"))
    assert len(m) == 570
