"""Helpers for the open course *Medical Image Processing with Python*.

Modules
-------
geometry
    Voxel index <-> world (physical, mm) coordinates, field of view, resampled size.
data
    The one registry of sample images (real CT, MR, radiographs, ultrasound and phantoms).
display
    Plotting helpers that draw :class:`SimpleITK.Image` objects with millimetre axes.
sampling
    Sample positions, quantization, downsampling and aliasing.
resampling
    Resampling to a new spacing, onto another image's grid, and rotation.
intensity
    Hounsfield units, window/level presets and display mapping.
segmentation
    Thresholding with inclusive bounds and Otsu's threshold.
noise
    Gaussian, Poisson and salt-and-pepper noise; signal-to-noise ratio.
filtering
    Gaussian kernels, convolution, Gaussian blur, gradient magnitude, median filter.
metrics
    Dice and Jaccard, confusion counts, sensitivity and specificity; Hausdorff and mean
    surface distance in mm.
learning
    Intensity clustering used by the machine-learning chapter.
reconstruction
    CT projections, ramp filter and filtered back-projection; MR k-space and undersampling.
registration
    Transforms as homogeneous matrices, composition, grids that contain a transformed
    image, rigid registration and target registration error.
regions
    Connected components, body mask (morphology), region growing, sizes in mm² and mm³.
dicom_series
    Writing a volume as a multi-file DICOM series and reading it back.
filter_learning
    Learning a convolution kernel from examples (least squares, gradient descent).
demos
    Interactive demos: pure compute functions, a thin ipywidgets UI and static HTML.
hygiene
    Repository checks (notebooks committed without outputs).

Conventions used everywhere: a ``SimpleITK.Image`` holds the geometry; indices, points,
sizes and spacings are in SimpleITK's (x, y[, z]) order; numpy arrays obtained from images
are in the reverse (z, y, x) order; all lengths are in millimetres (mm).
"""

__version__ = "0.2.0"
