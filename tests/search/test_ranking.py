import pytest

from hwnas.search.ranking import rank_agreement


def test_rank_agreement_on_known_rankings():
    same = rank_agreement([0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.9])
    assert same.kendall_tau == pytest.approx(1.0) and same.spearman_rho == pytest.approx(1.0)
    reversed_ = rank_agreement([0.1, 0.2, 0.3, 0.4], [0.9, 0.7, 0.6, 0.5])
    assert reversed_.kendall_tau == pytest.approx(-1.0) and reversed_.spearman_rho == pytest.approx(-1.0)
    # one adjacent swap among 4: 5 concordant and 1 discordant pair of 6; d^2 sum 2 -> 1 - 6*2/60
    swapped = rank_agreement([1, 2, 3, 4], [1, 3, 2, 4])
    assert swapped.kendall_tau == pytest.approx(4 / 6) and swapped.spearman_rho == pytest.approx(0.8)
    assert swapped.pairs == 4
    with pytest.raises(ValueError):
        rank_agreement([1.0], [2.0])
