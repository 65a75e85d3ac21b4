"""Model choice from CV errors: per-series winners only when clearly better than the pooled one."""

import numpy as np

from pickup_net.forecast.selection import SWITCH_MARGIN, _choose, cv_windows

NAMES = ["CrostonSBA", "ETS", "SeasonalNaive"]


def test_series_keeps_the_pooled_winner_unless_clearly_beaten() -> None:
    """A narrow own winner yields to the model best over all series; a clear one is kept."""
    narrow = 1 - SWITCH_MARGIN / 2
    clear = 1 - 2 * SWITCH_MARGIN
    cv_mse = np.array(
        [
            [1.0, 2.0, 3.0],  # CrostonSBA best, and best overall
            [1.0, 1.5, 3.0],
            [1.0, narrow, 3.0],  # ETS narrowly better: stays with CrostonSBA
            [1.0, clear, 3.0],  # ETS clearly better: keeps ETS
        ]
    )
    assert _choose(cv_mse, NAMES).tolist() == [0, 0, 0, 1]


def test_history_length_sets_the_number_of_cv_origins() -> None:
    """Short histories get fewer weekly origins, and none below four weeks of training."""
    assert cv_windows(27) == 0
    assert cv_windows(35) == 1
    assert cv_windows(400) == 3
