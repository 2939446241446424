"""The one percentile (netlaw.stats), used by the evals and every benchmark."""

from netlaw.stats import percentile


def test_nearest_rank_percentile_is_a_measured_value():
    values = [0.5, 0.1, 0.4, 0.2, 0.3]
    assert percentile(values, 50) == 0.3
    assert percentile(values, 95) == 0.5
    assert percentile(values, 0) == 0.1
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([1.0, 2.0], 50) == 1.0  # no interpolation
    assert percentile([], 50) == 0.0
