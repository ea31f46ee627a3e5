"""``publish``: a variant as a public web scene (3D Tiles 1.1 + a static viewer page).

:mod:`.site` writes the folder, :mod:`.tiles3d` the tilesets of the buildings, :mod:`.layers` the
ground and result layers, :mod:`.glb` the GLB content, :mod:`.geodesy` the placement on the globe.
"""
from .site import State, public_states, publish_site, viewer_dist  # noqa: F401
