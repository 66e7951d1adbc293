"""Values no report prints: set aside (quarantined with the reason), never published as plain readings.

Checked on every row a parser returns, whatever its layout (a mangled table can make any parser read garbage):

- a percentage beyond ±1,000% (targets, actuals, baselines, achievements, percentage facts);
- a number beyond ±10^9 in any unit (no chamber's indicator, amount or count comes near: the largest bundled one is
  a budget of 15.7 million euros), or one that is not finite;
- a column header where a value is expected ("Consuntivo 2024", "Target", "Valore atteso", "Algoritmo"): the sign
  of a table whose lines were shuffled or cut, where a parser took the header row for a data row.

A reading, component or fact with such a value is moved to the quarantine (raw.quarantine, with its lines and the
reason) and leaves the readings; an objective keeps its row (its readings hang on it) without the implausible
number, and a quarantined block says what was removed. The quality gate checks the same bounds again on the raw
tables (critical), so a value that slipped past here would stop the run rather than be published.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ccperf.extract.text import SourceText, without_accents
from ccperf.model import ExtractionResult, Objective, Provenance, Quarantined, Reading, ReadingComponent

MAX_PERCENT = 1000.0
MAX_ABSOLUTE = 1e9
LAYOUT = "plausibility"  # the quarantine's layout column for rows set aside here

_HEADER = re.compile(
    r"^(?:valore\s+)?(?:target|consuntiv[oi]|risultat[oi]|baseline|algoritmo|indicator[ei]|peso|formula|"
    r"fonte(?:\s+dei\s+dati)?|note|stato|kpi|misura|valore|scostamento(?:\s+rispetto\s+al\s+target)?|"
    r"unita\s+di\s+misura|grado\s+di\s+raggiungimento|(?:percentuale\s+)?(?:di\s+)?raggiungimento|"
    r"tipo\s+(?:di\s+)?indicatore|descrizione(?:\s+indicatore)?|obiettiv[oi](?:\s+(?:strategic|operativ)[oi])?)"
    r"(?:\s+(?:atteso|attesi|misurato|raggiunto|storico|economico|obiettivo|finale|effettivo|di\s+riferimento|"
    r"anno|al))*(?:\s+(?:19|20)\d{2})?$")


def _fold(text: str) -> str:
    text = without_accents(text).lower()
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())


def is_column_header(text: str | None) -> bool:
    """True when the text is a column header of a performance table (see _HEADER), not a value."""
    if not text or len(text) > 60:
        return False
    return bool(_HEADER.match(_fold(text)))


def _number_problem(label: str, value: float | None, unit: str | None, raw: str | None) -> str | None:
    if value is None:
        return None
    shown = raw or f"{value:g}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{label} {shown!r} is not a finite number"
    if unit == "%" and abs(value) > MAX_PERCENT:
        return f"{label} {shown!r} is a percentage beyond ±1,000%"
    if abs(value) > MAX_ABSOLUTE:
        return f"{label} {shown!r} is beyond ±10^9"
    return None


def reading_problems(reading: Reading) -> list[str]:
    problems = [
        _number_problem("target", reading.target_value, reading.target_unit, reading.target_raw),
        _number_problem("actual", reading.actual_value, reading.actual_unit or reading.target_unit,
                        reading.actual_raw),
        _number_problem("baseline", reading.baseline_value, reading.target_unit, reading.baseline_raw),
        _number_problem("mid-year target", reading.target_midyear_value, reading.target_unit,
                        reading.target_midyear_raw),
        _number_problem("revised target", reading.target_revised_value, reading.target_unit,
                        reading.target_revised_raw),
        _number_problem("achievement", reading.achievement_pct, "%", None),
        _number_problem("weight", reading.weight_pct, "%", None),
    ]
    for label, raw in (("target", reading.target_raw), ("actual", reading.actual_raw),
                       ("baseline", reading.baseline_raw)):
        if is_column_header(raw):
            problems.append(f"{label} {raw!r} is a column header, not a value (lines shuffled or cut?)")
    return [p for p in problems if p]


def _block(source: SourceText, prov: Provenance, last: int | None, reason: str) -> Quarantined:
    end = max(last or prov.source_line, prov.source_line)
    text = "\n".join(source.lines[prov.source_line - 1: min(end, prov.source_line + 40)])
    return Quarantined(prov, end, LAYOUT, reason, text)


def _set_aside(source: SourceText, result: ExtractionResult, rows: list, problem_of: Callable[[Any], str | None],
               what: Callable[[Any], str], last_of: Callable[[Any], int | None] = lambda row: None) -> list:
    """The rows without a problem; each other one goes to the quarantine, with its problem."""
    kept = []
    for row in rows:
        if problem := problem_of(row):
            result.quarantined.append(_block(source, row.provenance, last_of(row),
                                             f"implausible {what(row)}: {problem}; set aside, not published"))
        else:
            kept.append(row)
    return kept


def set_aside_implausible(source: SourceText, result: ExtractionResult) -> None:
    """Move the rows holding implausible values to the quarantine (see the module docstring)."""
    readings = result.readings
    result.readings = _set_aside(source, result, readings, lambda r: "; ".join(reading_problems(r)) or None,
                                 lambda r: f"reading {r.indicator_name[:80]!r}", lambda r: r.line_end)
    kept = {id(r) for r in result.readings}
    dropped_lines = {(r.provenance.segment_index, r.provenance.source_line) for r in readings if id(r) not in kept}

    def component_problem(component: ReadingComponent) -> str | None:
        problem = _number_problem("value", component.value, None, component.raw)
        if (component.provenance.segment_index, component.reading_line) in dropped_lines:
            problem = problem or "its reading was set aside"
        return problem

    result.components = _set_aside(source, result, result.components, component_problem,
                                   lambda c: f"component {c.label or c.component!r}")
    result.facts = _set_aside(source, result, result.facts,
                              lambda f: _number_problem("value", f.value, f.unit, f.quote),
                              lambda f: f"fact {f.fact_name}")
    objectives: list[Objective] = []
    for objective in result.objectives:
        problems = [p for p in (_number_problem("achievement", objective.achievement_pct, "%", None),
                                _number_problem("weight", objective.weight_pct, "%", None)) if p]
        if problems:
            result.quarantined.append(_block(source, objective.provenance, None, (
                f"implausible objective {objective.objective_code or objective.objective_title or '?'!r}: "
                f"{'; '.join(problems)}; the objective is kept without that number")))
            note = "; ".join(filter(None, [objective.notes, "implausible number removed: " + "; ".join(problems)]))
            objective = replace(objective,
                                achievement_pct=None if _number_problem("a", objective.achievement_pct, "%", None)
                                else objective.achievement_pct,
                                weight_pct=None if _number_problem("w", objective.weight_pct, "%", None)
                                else objective.weight_pct, notes=note)
        objectives.append(objective)
    result.objectives = objectives
