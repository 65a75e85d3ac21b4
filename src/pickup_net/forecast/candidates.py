"""The candidate models: statsforecast's intermittent-demand methods, exponential smoothing and
seasonal baselines, each cheap enough to fit thousands of daily series per second.

AutoETS with a weekly season (ETS(A,N,A)) was measured at ~27 ms per fit, too slow for model
choice on 10,000 series; the seasonal smoothing here is statsforecast's optimised seasonal
exponential smoothing, and ETS is the optimised ETS(A,N,N). ETS is the costliest fit left, and the
only candidate with a `forward` method, so cross-validation fits it once and rolls it forward
(`forward_models`) while the others are refitted at every origin (`refit_models`).
"""

from statsforecast.models import (
    ADIDA,
    IMAPA,
    TSB,
    AutoETS,
    CrostonSBA,
    SeasonalExponentialSmoothingOptimized,
    SeasonalNaive,
    SeasonalWindowAverage,
)

SEASON_DAYS = 7
SEASONAL_NAIVE = "SeasonalNaive"


def refit_models() -> list:
    """Candidates refitted at every CV origin, in tie-break order (simplest intermittent first)."""
    return [
        CrostonSBA(alias="CrostonSBA"),
        TSB(alpha_d=0.1, alpha_p=0.1, alias="TSB"),
        ADIDA(alias="ADIDA"),
        IMAPA(alias="IMAPA"),
        SeasonalExponentialSmoothingOptimized(season_length=SEASON_DAYS, alias="SeasonalES"),
        SeasonalWindowAverage(season_length=SEASON_DAYS, window_size=4, alias="SeasonalWindowAvg"),
        SeasonalNaive(season_length=SEASON_DAYS, alias=SEASONAL_NAIVE),
    ]


def forward_models() -> list:
    """Candidates fitted at the first CV origin and rolled forward to the later ones."""
    return [AutoETS(model="ANN", alias="ETS")]


def candidate_models() -> list:
    """Every candidate, refitted ones first."""
    return refit_models() + forward_models()


def candidate_names() -> list[str]:
    """The aliases of the candidate models, in the order of `candidate_models`."""
    return [str(model.alias) for model in candidate_models()]
