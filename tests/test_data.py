import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data


@pytest.mark.parametrize("name", sorted(data.REGISTRY))
def test_registered_file_matches_its_checksum(name):
    data.verify(name)


@pytest.mark.parametrize("name", sorted(data.REGISTRY))
def test_entry_documents_its_origin(name):
    entry = data.REGISTRY[name]
    assert entry.modality and entry.source and entry.licence
    loader = getattr(data, name)
    assert loader.__doc__ and "Examples" in loader.__doc__


@pytest.mark.parametrize("name", [*sorted(data.REGISTRY), "ct_phantom", "pet_phantom"])
def test_every_dataset_loads_as_a_scalar_image(name):
    image = data.load(name)
    assert isinstance(image, sitk.Image)
    assert image.GetNumberOfComponentsPerPixel() == 1
    assert all(s > 0 for s in image.GetSpacing())
    assert image.GetDimension() in (2, 3)


def test_ct_head_is_in_hounsfield_units():
    array = sitk.GetArrayFromImage(data.ct_head())  # a copy: a view of a temporary would dangle
    assert array.min() < -1000  # outside the scan field
    assert 1000 < array.max() < 3000  # bone
    # Brain tissue dominates the centre of the head: between water and bone.
    centre = array[200:300, 200:300]
    assert 0 < np.median(centre) < 100


def test_loaders_return_independent_copies():
    first = data.ct_small()
    first[0, 0] = 12345
    assert data.ct_small()[0, 0] != 12345


def test_radiograph_shows_lungs_dark_and_mediastinum_bright():
    array = sitk.GetArrayFromImage(data.chest_radiograph()).astype(float)
    lung = array[600:900, 400:600].mean()
    mediastinum = array[600:900, 880:960].mean()
    assert lung < mediastinum


def test_mni_t1_and_motor_map_have_different_grids():
    t1, motor = data.mni_t1(), data.motor_activation()
    assert t1.GetSpacing() != motor.GetSpacing()
    assert t1.GetOrigin() != motor.GetOrigin()
    assert t1.GetDirection() != motor.GetDirection()


def test_phantoms_agree_in_world_coordinates():
    ct, pet = data.ct_phantom(), data.pet_phantom()
    lesion = data.PET_LESION_MM
    assert pet[pet.TransformPhysicalPointToIndex(lesion)] == pytest.approx(8.0, rel=1e-3)
    assert ct[ct.TransformPhysicalPointToIndex(lesion)] == -850  # inside a lung


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.load("ct_nonexistent"), "unknown dataset 'ct_nonexistent'"),
        (lambda: data.ct_phantom(size=(10, 10)), "3 components"),
        (lambda: data.pet_phantom(spacing=(1.0, 0.0, 1.0)), "spacing > 0"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises((KeyError, ValueError), match=message):
        call()
