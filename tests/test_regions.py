import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data
from medimg.metrics import dice, hausdorff_distance_mm
from medimg.regions import body_mask, components, largest_component, physical_size, region_grow


def blobs(spacing=(1.0, 1.0)):
    array = np.zeros((20, 30), dtype=np.uint8)
    array[2:8, 2:12] = 1  # 60 pixels
    array[12:15, 20:24] = 1  # 12 pixels
    array[15, 24] = 1  # touches the second blob only at a corner
    image = sitk.GetImageFromArray(array)
    image.SetSpacing(spacing)
    image.SetOrigin((-5.0, 3.0))
    return image


def test_components_sorted_with_physical_sizes():
    found = components(blobs(spacing=(0.5, 2.0)))
    assert [c.pixels for c in found] == [60, 12, 1]
    assert [c.size_mm for c in found] == [60.0, 12.0, 1.0]
    # Centroid of the big blob: x index 6.5, y index 4.5 -> world (-5 + 0.5*6.5, 3 + 2*4.5).
    assert found[0].centroid_mm == pytest.approx((-1.75, 12.0))


def test_full_connectivity_joins_corners():
    assert [c.pixels for c in components(blobs(), fully_connected=True)] == [60, 13]


def test_largest_component_keeps_grid_and_type():
    image = blobs(spacing=(0.7, 0.7))
    kept = largest_component(image)
    assert kept.GetPixelID() == sitk.sitkUInt8
    assert kept.GetOrigin() == image.GetOrigin() and kept.GetSpacing() == image.GetSpacing()
    assert int(sitk.GetArrayFromImage(kept).sum()) == 60


def test_largest_component_of_empty_mask_is_empty():
    empty = sitk.Image(5, 5, sitk.sitkUInt8)
    assert int(sitk.GetArrayFromImage(largest_component(empty)).sum()) == 0


def test_physical_size_3d_in_mm3():
    mask = sitk.Image(4, 4, 4, sitk.sitkUInt8)
    mask.SetSpacing((0.5, 0.5, 2.0))
    mask[0:2, 0:2, 0:2] = 1
    assert physical_size(mask) == pytest.approx(8 * 0.5)


def test_body_mask_removes_the_head_support():
    ct = data.ct_head()
    mask = sitk.GetArrayFromImage(body_mask(ct))
    support = sitk.GetArrayFromImage(ct) > 300
    support_parts = components(ct > 300)
    # The two lateral pieces of the head support lie near x = -90 mm and x = +100 mm.
    for part in support_parts[1:3]:
        index = ct.TransformPhysicalPointToIndex(part.centroid_mm)
        assert mask[index[1], index[0]] == 0
    # The skull is inside the body mask, and the mask is one connected region without holes.
    skull = sitk.GetArrayFromImage(largest_component(ct > 300)).astype(bool)
    assert mask[skull].all()
    assert len(components(body_mask(ct))) == 1
    assert support.sum() > skull.sum()


def test_region_grow_takes_only_connected_pixels():
    # The thorax slice has two lungs, two separate air regions; a seed in one grows that one.
    ct = data.ct_small()
    air = ct <= -400
    lungs = components(air)
    assert len(lungs) == 2
    grown = region_grow(ct, [lungs[1].centroid_mm], lower=-1000, upper=-400)
    assert physical_size(grown) == pytest.approx(lungs[1].size_mm)
    assert int(np.count_nonzero(sitk.GetArrayFromImage(grown) & ~sitk.GetArrayFromImage(air))) == 0
    both = region_grow(ct, [lung.centroid_mm for lung in lungs], lower=-1000, upper=-400)
    assert physical_size(both) == pytest.approx(physical_size(air))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seeds_mm": [], "lower": 0, "upper": 1}, "at least one"),
        ({"seeds_mm": [(1e6, 0.0)], "lower": 0, "upper": 1}, "outside"),
        ({"seeds_mm": [(0.0, 0.0)], "lower": 2, "upper": 1}, "lower must be <= upper"),
        ({"seeds_mm": [(0.0, 0.0, 0.0)], "lower": 0, "upper": 1}, "coordinates"),
    ],
)
def test_region_grow_names_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        region_grow(data.ct_small(), **kwargs)


def test_masks_must_be_images():
    with pytest.raises(TypeError, match=r"mask must be a SimpleITK\.Image"):
        largest_component(np.ones((3, 3)))


def test_support_barely_moves_dice_but_dominates_hausdorff():
    # The numbers the segmentation chapter discusses: the support is far, and small.
    ct = data.ct_head()
    dense = sitk.GetArrayFromImage(ct > 300)
    bone = sitk.GetArrayFromImage(sitk.And(ct > 300, body_mask(ct)))
    spacing = ct.GetSpacing()[::-1]
    assert dice(dense, bone) > 0.95
    assert hausdorff_distance_mm(dense, bone, spacing=spacing) > 30.0
