"""The report plots' arithmetic: round ticks, marks inside the frame, a legend that hides no label."""

import pytest

from hwnas.report.plot import Axis, Rule, Series, linear_ticks, log_ticks, percent_axis, plot


@pytest.mark.parametrize("lo, hi, ticks", [
    (552, 1_094, [400, 600, 800, 1_000, 1_200]),  # the search report's old ticks were 552, 823, 1,094
    (0.734, 0.836, [0.725, 0.75, 0.775, 0.8, 0.825, 0.85]),
    (0, 37_240, [0, 10_000, 20_000, 30_000, 40_000]),
])
def test_linear_ticks_fall_on_round_values(lo, hi, ticks):
    start, stop, found = linear_ticks(lo, hi)
    assert found == pytest.approx(ticks)
    assert start <= lo and stop >= hi


def test_log_ticks_are_one_two_five_per_decade_or_whole_decades():
    assert log_ticks(30, 5_300)[2] == [20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000]
    assert log_ticks(3, 3_000_000)[2] == [10, 100, 1_000, 10_000, 100_000, 1_000_000]


def test_percent_axis_labels_as_many_decimals_as_its_step():
    assert [percent_axis("a", [0.71, 0.89]).fmt(v) for v in (0.7, 0.75)] == ["70%", "75%"]
    assert percent_axis("a", [0.734, 0.836]).fmt(0.725) == "72.5%"
    assert percent_axis("a", [0.9980, 1.0]).fmt(0.9995) == "99.95%"


def test_pinned_marks_sit_below_the_data_and_the_legend_hides_no_rule_label():
    drawn = plot(
        "t", Axis("LUT"), percent_axis("accuracy", [0.7, 0.9]),
        [Series("measured", "circle", "#00f", [(100, 0.7, "a"), (900, 0.9, "b")]),
         Series("rejected", "cross", "#f00", [(500, 0.0, "c")], pinned=True)],
        [Rule("limit", "#f00", x=800)],
    )
    measured, rejected = drawn["series"]
    assert rejected["points"][0]["y"] > max(p["y"] for p in measured["points"])
    assert drawn["top"] <= min(p["y"] for p in measured["points"]) and rejected["points"][0]["y"] < drawn["bottom"]
    legend, (rule,) = drawn["legend"], drawn["rules"]
    label_left = rule["lx"] - 6.5 * len(rule["label"])
    inside_x = legend["x"] < rule["lx"] and legend["x"] + legend["w"] > label_left
    inside_y = legend["y"] < rule["ly"] + 3 and legend["y"] + legend["h"] > rule["ly"] - 11
    assert not (inside_x and inside_y)
    assert [e["label"] for e in legend["entries"]] == ["measured", "rejected"]


def test_search_plots_draw_every_trial_feasible_or_rejected_and_the_references():
    from types import SimpleNamespace

    from hwnas.arch import load_arch
    from hwnas.board import load_board
    from hwnas.search.report import search_plots
    from conftest import EXAMPLE_ARCHS

    tfc = load_arch(next(p for p in EXAMPLE_ARCHS if p.stem == "tfc-w1a1"))
    trial = lambda n, ok, lut, acc: {"trial": n, "feasible": ok, "lut": lut, "bram18": 4, "fps": 2_000.0,
                                     "supernet_val_accuracy": acc, "hardware": "fits" if ok else "over the board"}
    trials = [trial(0, True, 900, 0.8), trial(1, True, 1_500, 0.84), trial(2, False, 90_000, 0.0), trial(3, False, 0, 0.0)]
    candidate = lambda name, lut, acc: SimpleNamespace(arch=SimpleNamespace(name=name), lut=lut, test_accuracy=acc, fits=True)
    outcome = SimpleNamespace(
        trials=trials, pareto=[{"trial": 0}, {"trial": 1}], best=candidate("searched-t1", 1_500, 0.86), matched=[],
        references=[candidate(tfc.name, 1_251, 0.75)],
    )
    first, second = search_plots(outcome, SimpleNamespace(board=load_board("pynq-z2")))
    drawn = {s["label"].split(" (")[0]: s["points"] for s in first["series"]}
    assert len(drawn["Pareto front"]) == 2 and len(drawn["rejected by the cost model"]) == 1
    assert len(drawn["chosen network"]) == 1
    assert "Not drawn: 1 rejected trial that" in first["note"]  # trial 3: too slow at any folding, no LUT to draw
    assert [r["label"] for r in first["rules"]] == ["usable LUT on pynq-z2"]  # log axis up to 90,000 LUT
    assert [t["label"] for t in first["xticks"]] == [t["label"] for t in second["xticks"]]  # one LUT axis
    assert second["series"][2]["points"][0]["tip"].startswith("tfc-w1a1: 75.00%")
