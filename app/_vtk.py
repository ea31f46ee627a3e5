"""The few VTK classes the window uses, imported from their own modules: ``import vtk`` loads all
~120 VTK libraries (1.6 s on the test machine) and delayed the first frame."""
from vtkmodules.vtkCommonCore import vtkPoints, vtkUnsignedCharArray  # noqa: F401
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData, vtkStaticCellLocator  # noqa: F401
from vtkmodules.vtkRenderingCore import (vtkActor2D, vtkCellPicker, vtkCoordinate,  # noqa: F401
                                         vtkPolyDataMapper2D, vtkTextActor)
