import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data
from medimg.registration import (
    affine_matrix,
    apply_matrix,
    compose_matrices,
    grid_containing,
    register_rigid,
    rigid_2d,
    target_registration_error,
)

RNG = np.random.default_rng(3)
POINTS = RNG.uniform(-80, 80, size=(20, 2))


@pytest.mark.parametrize(
    "transform",
    [
        rigid_2d(23.0, (4.0, -7.0), centre_mm=(10.0, 5.0)),
        sitk.TranslationTransform(2, (1.5, -2.0)),
        sitk.Similarity2DTransform(1.3, 0.4, (2.0, 3.0), (-5.0, 1.0)),
        sitk.AffineTransform((1.0, 0.2, -0.1, 0.9), (3.0, 2.0), (1.0, -1.0)),
    ],
    ids=["euler", "translation", "similarity", "affine"],
)
def test_affine_matrix_matches_simpleitk(transform):
    expected = np.array([transform.TransformPoint(p.tolist()) for p in POINTS])
    assert np.allclose(apply_matrix(affine_matrix(transform), POINTS), expected)


def test_composition_order_matches_simpleitk_composite():
    first = rigid_2d(30.0, (5.0, 0.0), centre_mm=(1.0, 2.0))
    second = sitk.AffineTransform((1.2, 0.0, 0.0, 0.8), (0.0, -3.0))
    composite = sitk.CompositeTransform([second, first])  # SimpleITK applies the last one first
    expected = np.array([composite.TransformPoint(p.tolist()) for p in POINTS])
    composed = compose_matrices(affine_matrix(first), affine_matrix(second))
    assert np.allclose(apply_matrix(composed, POINTS), expected)
    reversed_order = compose_matrices(affine_matrix(second), affine_matrix(first))
    assert not np.allclose(apply_matrix(reversed_order, POINTS), expected)


def test_rigid_2d_rotates_x_towards_y():
    assert np.allclose(rigid_2d(90.0).TransformPoint((1.0, 0.0)), (0.0, 1.0))


def test_grid_containing_holds_the_whole_rotated_image():
    image = sitk.Image(60, 40, sitk.sitkUInt8) + 1
    image.SetSpacing((0.5, 0.5))
    image.SetOrigin((-10.0, 20.0))
    centre = image.TransformContinuousIndexToPhysicalPoint((29.5, 19.5))
    transform = rigid_2d(30.0, (3.0, 0.0), centre_mm=centre)
    reference = grid_containing(image, transform)
    same_grid = sitk.Resample(image, image, transform, sitk.sitkNearestNeighbor, 0)
    bigger = sitk.Resample(image, reference, transform, sitk.sitkNearestNeighbor, 0)
    pixels = sitk.GetArrayFromImage(image).sum()
    assert sitk.GetArrayFromImage(same_grid).sum() < 0.9 * pixels  # corners cut off
    assert sitk.GetArrayFromImage(bigger).sum() == pytest.approx(pixels, rel=0.02)
    assert all(n > m for n, m in zip(reference.GetSize(), image.GetSize(), strict=True))


def test_grid_containing_rejects_bad_spacing():
    with pytest.raises(ValueError, match="spacing must be 2 values > 0"):
        grid_containing(sitk.Image(4, 4, sitk.sitkUInt8), rigid_2d(0.0), spacing=(1.0, 0.0))


def test_rigid_registration_of_the_head_ct_recovers_a_known_transform():
    ct = sitk.Threshold(data.ct_head(), -1000, 4000, -1000)  # padding outside the field -> air
    centre = ct.TransformContinuousIndexToPhysicalPoint((255.5, 255.5))
    truth = rigid_2d(8.0, (12.0, -7.0), centre_mm=centre)
    moving = sitk.Resample(ct, truth, sitk.sitkLinear, -1000.0)
    result = register_rigid(ct, moving)
    # moving(p) = ct(truth(p)), so the transform from ct to moving points is truth's inverse.
    head = np.array([[0.0, 20.0], [60.0, 60.0], [-60.0, 40.0], [0.0, -40.0]])
    tre = target_registration_error(result.transform, truth.GetInverse(), head)
    assert tre.max() < 0.5
    # The centred initial transform alone is far off: the error is the registration's doing.
    assert target_registration_error(rigid_2d(0.0), truth.GetInverse(), head).mean() > 10


def test_register_rigid_names_bad_arguments():
    image = data.ct_small()
    with pytest.raises(ValueError, match="metric"):
        register_rigid(image, image, metric="correlation")
    with pytest.raises(ValueError, match="sampling_fraction"):
        register_rigid(image, image, sampling_fraction=0)
    with pytest.raises(ValueError, match="both be 2D or both 3D"):
        register_rigid(image, data.ct_phantom())


def test_tre_is_zero_for_identical_transforms_and_named_errors():
    t = rigid_2d(10.0, (1.0, 2.0))
    assert target_registration_error(t, t, POINTS).max() == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="points_mm"):
        target_registration_error(t, t, np.zeros((3, 3)))
