"""The report's figures on rows made up for the purpose: each share shows its base, labels are unique, the small
multiples name their unit, and the legend of the small multiples stays out of the subplot titles."""

from __future__ import annotations

from ccperf.report import SMALL_BASE, conformed_figure, missed_figure, target_share_figure


def _share(chamber: str, level: str, met: int, missed: int) -> dict:
    return {"chamber_name": chamber, "year": 2024, "objective_level": level, "met": met, "missed": missed,
            "not_comparable": 0, "share_met_pct": 100.0 * met / (met + missed)}


def test_each_share_shows_its_base_and_a_small_base_is_pale() -> None:
    figure = target_share_figure([_share("Pavia", "strategic", 2, 0), _share("Brescia", "strategic", 30, 10)])
    (bars,) = figure.figure.data
    assert list(bars.text) == ["100%<br>n=2", "75%<br>n=40"]
    assert list(bars.marker.opacity) == [0.4, 1.0]
    assert SMALL_BASE == 5


def _missed(name: str, line: int) -> dict:
    return {"chamber_name": "Pavia", "year": 2024, "indicator_name": name, "indicator_code": None,
            "objective_code": "1.1", "target_value": 80.0, "actual_value": 70.0, "target_unit": "%",
            "actual_unit": "%", "target_operator": ">=", "target_raw": ">= 80%", "source_line": line}


def test_two_missed_readings_of_the_same_indicator_have_different_labels() -> None:
    figure = missed_figure([_missed("Grado di soddisfazione", 10), _missed("Grado di soddisfazione", 20)])
    labels = list(figure.figure.data[1].y)
    assert len(set(labels)) == 2


def _conformed(key: str, chamber: str, unit: str) -> dict:
    return {"indicator_key": key, "national_code": "C1.1_07", "indicator_name": "Tempo medio", "chamber_name": chamber,
            "year": 2024, "actual_value": 2.5, "actual_unit": unit, "target_value": 5.0, "target_unit": unit,
            "target_operator": "<=", "target_raw": "<= 5 gg"}


def test_small_multiples_name_their_unit_and_the_legend_sits_above_the_titles() -> None:
    figure = conformed_figure([_conformed("a", "Pavia", "gg"), _conformed("a", "Mantova", "gg"),
                               _conformed("b", "Pavia", "%"), _conformed("b", "Mantova", "")])
    layout = figure.figure.layout
    assert layout.yaxis.title.text == "gg" and layout.yaxis2.title.text == "%"
    assert layout.legend.yref == "container" and layout.legend.yanchor == "top" and layout.margin.t >= 100
