"""PyVista/VTK scene of a city model: meshes, colours, cameras, off-screen rendering."""
