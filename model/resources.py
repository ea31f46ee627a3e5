"""The data files Stadtbild ships (each with its licence and source in a ``SOURCE.md`` beside it):
the demo district the window opens on and the GeoNames places that tell setbacks the Land.

They live in ``resources/`` at the repository root; a wheel installs that folder as
``stadtbild/resources`` (``package-dir`` in pyproject.toml), in both cases beside the ``model``
package, which is how this module finds it.
"""
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
#: 3D BAG tile 3-20 (Rotterdam Delfshaven), CityJSON 2.0: what the window and ``gui`` open by default
DEMO_DISTRICT = RESOURCES / "demo" / "3-20-DELFSHAVEN.city.json"
#: GeoNames populated places of Germany with their Land (CSV), for the Land's setback rule
PLACES_OF_GERMANY = RESOURCES / "geo" / "de_places_land.csv"
