"""Helpers for the open course *Medical Image Processing with Python*.

Modules
-------
geometry
    Voxel index <-> world (physical, mm) coordinates, field of view, resampled size.
data
    The one registry of sample images (real CT, MR, radiographs, ultrasound and a phantom).
display
    Plotting helpers that draw :class:`SimpleITK.Image` objects with millimetre axes.

Conventions used everywhere: a ``SimpleITK.Image`` holds the geometry; indices, points,
sizes and spacings are in SimpleITK's (x, y[, z]) order; numpy arrays obtained from images
are in the reverse (z, y, x) order; all lengths are in millimetres (mm).
"""

__version__ = "0.1.0"
