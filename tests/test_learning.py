import numpy as np
import pytest

from medimg.learning import kmeans_1d, nearest_centroid_segment


def test_nearest_centroid_ties_go_to_lower_index():
    assert nearest_centroid_segment([5.0, 15.0], [0, 10, 20]).tolist() == [0, 1]


def test_nearest_centroid_unsorted_centroids():
    assert nearest_centroid_segment([0, 9, 21], [20, 0, 10]).tolist() == [1, 2, 0]


@pytest.mark.parametrize("shape", [(7,), (4, 5), (3, 4, 5)])
def test_nearest_centroid_matches_argmin(shape):
    rng = np.random.default_rng(0)
    values = rng.normal(50, 30, shape)
    centroids = np.array([10.0, 40.0, 90.0, 60.0])
    expected = np.argmin(np.abs(values[..., None] - centroids), axis=-1)
    labels = nearest_centroid_segment(values, centroids)
    assert labels.dtype == np.uint8
    np.testing.assert_array_equal(labels, expected)


@pytest.mark.parametrize("centroids", [[], [[1, 2]], [np.nan], list(range(256))])
def test_nearest_centroid_rejects_bad_centroids(centroids):
    with pytest.raises(ValueError, match="centroids"):
        nearest_centroid_segment([1.0], centroids)


def test_kmeans_matches_sklearn_with_same_start():
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(m, 8, 2000) for m in (30, 90, 140)])
    init = np.array([10.0, 100.0, 200.0])
    centroids, labels = kmeans_1d(values, 3, init=init, tol=0)
    ref = KMeans(3, init=init[:, None], n_init=1, tol=0, max_iter=300).fit(values[:, None])
    np.testing.assert_allclose(centroids, np.sort(ref.cluster_centers_.ravel()), atol=1e-6)
    assert (
        np.mean(labels == nearest_centroid_segment(values, np.sort(ref.cluster_centers_.ravel())))
        == 1
    )


def test_kmeans_centroids_are_means_of_their_labels():
    rng = np.random.default_rng(1)
    values = rng.gamma(2.0, 20.0, (60, 70))
    centroids, labels = kmeans_1d(values, 4)
    assert labels.shape == values.shape
    assert np.all(np.diff(centroids) > 0)
    for i, c in enumerate(centroids):
        assert values[labels == i].mean() == pytest.approx(c, abs=1e-3)


def test_kmeans_k1_is_the_mean():
    centroids, labels = kmeans_1d([1.0, 2.0, 6.0], 1)
    assert centroids.tolist() == [3.0]
    assert labels.tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 0}, "k must"),
        ({"k": 2, "n_iter": 0}, "n_iter"),
        ({"k": 2, "init": [1.0]}, "init"),
        ({"k": 2, "tol": -1}, "tol"),
    ],
)
def test_kmeans_rejects_bad_options(kwargs, match):
    k = kwargs.pop("k")
    with pytest.raises(ValueError, match=match):
        kmeans_1d([1.0, 2.0, 3.0], k, **kwargs)
