import matplotlib.pyplot as plt
import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data
from medimg.display import extent_mm, imshow_mm, show_side_by_side


def test_extent_covers_the_field_of_view():
    image = data.ct_head()
    left, right, _, _ = extent_mm(image)
    width = image.GetSize()[0] * image.GetSpacing()[0]
    assert right - left == pytest.approx(width)
    assert left == pytest.approx(image.GetOrigin()[0] - image.GetSpacing()[0] / 2)


def test_extent_respects_a_flipped_direction():
    image = data.mni_t1()[:, :, 90]
    left, right, _, _ = extent_mm(image)
    assert left > right  # x grid axis points to -x in the world


def test_imshow_mm_labels_axes_in_mm_and_adds_a_colorbar():
    image = data.ct_small()
    artist = imshow_mm(image, vmin=-100, vmax=200, colorbar="HU")
    fig = artist.axes.figure
    assert artist.axes.get_xlabel() == "x (mm)"
    assert any(ax.get_ylabel() == "HU" for ax in fig.axes)
    np.testing.assert_array_equal(artist.get_array(), sitk.GetArrayViewFromImage(image))
    plt.close(fig)


def test_imshow_mm_rejects_3d_images():
    with pytest.raises(ValueError, match="2D scalar image, got 3D"):
        imshow_mm(data.ct_phantom())


def test_imshow_mm_keeps_its_pixels_after_a_temporary_image_is_freed():
    artist = imshow_mm(data.ct_small())  # the image is a temporary
    expected = sitk.GetArrayFromImage(data.ct_small())
    np.testing.assert_array_equal(artist.get_array(), expected)
    plt.close(artist.axes.figure)


def test_side_by_side_titles():
    fig, axes = show_side_by_side({"a": data.ct_small(), "b": data.mr_t2_small()})
    assert [ax.get_title() for ax in axes] == ["a", "b"]
    plt.close(fig)
