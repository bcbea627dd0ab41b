"""How the page model's two thresholds are chosen from out-of-fold probabilities."""

from __future__ import annotations

import numpy as np

from model.page import PAGE_MODEL_PATH, load_page_model
from training.page_model import MAX_FALSE_ALARMS, choose_thresholds, thresholds_in_force


def _pages() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Twenty violative pages the violative head scores 0.9; twenty informational pages, one of
    which it scores 0.7 and the rest 0.1; the promotional head passes every page at 0.8."""
    y = np.array([1] * 20 + [0] * 20)
    promotional = np.full(40, 0.8)
    violative = np.array([0.9] * 20 + [0.7] + [0.1] * 19)
    # One violative page the heads score low: catching it costs the informational page above.
    violative[0] = 0.65
    return y, promotional, violative, np.ones(40, dtype=bool)


def test_a_tie_on_the_flat_top_goes_to_the_heads_decision_point() -> None:
    """The F1 surface is flat; among pairs as good as each other, the pair nearest 0.5 on both
    heads holds still between refits where the fewest-alarm pair drifted to the edge."""
    y, promotional, violative, real = _pages()
    t_promotional, t_violative = choose_thresholds(y, promotional, violative, real)
    # Every violative threshold up to 0.64 (and its neighbours) has the best F1, 0.976.
    assert (t_promotional, t_violative) == (0.5, 0.5)


def test_a_lone_point_of_the_best_f1_loses_to_the_flat_top() -> None:
    """A threshold that happens to fall between pages' scores can reach the best F1 alone, its
    neighbours a grid step away far worse; the plateau that reaches it too is the stabler
    choice, though further from 0.5."""
    y = np.array([1] * 20 + [0] * 20)
    promotional = np.full(40, 0.8)
    # Sixteen ads scored 0.9 and four exactly 0.50; five informational pages at 0.56, three at
    # 0.48, the rest at 0.1.
    violative = np.array([0.9] * 16 + [0.50] * 4 + [0.56] * 5 + [0.48] * 3 + [0.1] * 12)
    real = np.zeros(40, dtype=bool)  # no bound on false alarms: only the F1 surface decides
    t_promotional, t_violative = choose_thresholds(y, promotional, violative, real)
    # F1 is 0.889 at 0.50 (every ad, five alarms) and from 0.58 on (sixteen ads, no alarm);
    # 0.833 at 0.48 and 0.780 at 0.52-0.56.
    assert (t_promotional, t_violative) == (0.5, 0.6)


def test_false_alarms_on_written_pages_are_bounded_when_asked() -> None:
    """The English model keeps its written set's own target for false alarms."""
    y, promotional, violative, _ = _pages()
    written = np.zeros(40, dtype=bool)
    t_promotional, t_violative = choose_thresholds(
        y, promotional, violative, written, written_false_alarms=0.0
    )
    decided = (promotional >= t_promotional) & (violative >= t_violative)
    assert not decided[y == 0].any()
    assert decided[y == 1].sum() == 19


def test_false_alarms_on_real_pages_are_bounded() -> None:
    y, promotional, violative, real = _pages()
    violative[20:24] = 0.95  # four informational pages look as violative as the ads: 20%
    t_promotional, t_violative = choose_thresholds(y, promotional, violative, real)
    decided = (promotional >= t_promotional) & (violative >= t_violative)
    assert decided[(y == 0) & real].mean() <= MAX_FALSE_ALARMS


def test_the_thresholds_in_force_stay_unless_beaten_by_more_than_a_page() -> None:
    """A refit keeps the pair in force when the best pair is better by less than one page's
    worth of F1 (a ragged surface moved thresholds on noise), and leaves it when it is clearly
    worse, off the grid, or over the bound on false alarms."""
    y, promotional, violative, real = _pages()
    # From scratch the tie goes to 0.5 / 0.5 (above). At 0.5 / 0.8 the surface is as flat: the
    # ad scored 0.65 is lost either way, the informational page at 0.7 kept out.
    assert choose_thresholds(y, promotional, violative, real, incumbent=(0.5, 0.8)) == (0.5, 0.8)
    # The promotional head scores every page 0.8: from 0.82 on, it passes none of them.
    assert choose_thresholds(y, promotional, violative, real, incumbent=(0.82, 0.5)) == (0.5, 0.5)
    assert choose_thresholds(y, promotional, violative, real, incumbent=(0.5, 0.61)) == (0.5, 0.5)
    violative[20:24] = 0.95  # four informational pages look as violative as the ads: 20%
    assert choose_thresholds(y, promotional, violative, real, incumbent=(0.5, 0.5)) != (0.5, 0.5)


def test_the_thresholds_in_force_are_those_the_checker_runs(tmp_path) -> None:
    """Read through the checker's own loader: an artifact it would refuse has none in force."""
    model = load_page_model()
    assert model.other_languages is not None
    assert thresholds_in_force() == {
        "english": (model.heads["promotional"].threshold, model.heads["violative"].threshold),
        "other_languages": (
            model.other_languages.heads["promotional"].threshold,
            model.other_languages.heads["violative"].threshold,
        ),
    }
    altered = tmp_path / "page_model.json"
    altered.write_text(
        PAGE_MODEL_PATH.read_text().replace('"threshold": 0.', '"threshold": 0.0', 1)
    )
    assert thresholds_in_force(altered) == {}
    assert thresholds_in_force(tmp_path / "missing.json") == {}
