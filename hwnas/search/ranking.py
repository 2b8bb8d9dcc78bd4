"""How well one ranking of subnets agrees with another: Kendall's tau and Spearman's rank correlation,
used to judge whether the supernet's accuracies order subnets as training them would."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RankAgreement:
    kendall_tau: float  # tau-b: ties in either ranking are neither concordant nor discordant
    kendall_p: float
    spearman_rho: float
    spearman_p: float
    pairs: int


def rank_agreement(estimated: Sequence[float], measured: Sequence[float]) -> RankAgreement:
    """Kendall's tau-b and Spearman's rho between two scores of the same subnets (scipy's)."""
    from scipy.stats import kendalltau, spearmanr

    if len(estimated) != len(measured) or len(estimated) < 2:
        raise ValueError(f"need two equally long lists of at least 2 scores, got {len(estimated)} and {len(measured)}")
    tau = kendalltau(estimated, measured)
    rho = spearmanr(estimated, measured)
    return RankAgreement(float(tau.statistic), float(tau.pvalue), float(rho.statistic), float(rho.pvalue), len(estimated))
