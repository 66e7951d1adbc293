"""The HTML report of the last publication: one self-contained file, data/marts/report.html.

It reads the PUBLISHED data (the read-only serving file data/marts/ccperf.duckdb), never the warehouse: the report
shows exactly what was published, and it can be written while a run holds the warehouse (ccperf.report_data
reads it). Sections: entity performance, share of indicators meeting their target, indicators that missed it,
conformed indicators across chambers, spending by mission, data quality of the publishing run, what was
quarantined, where two documents disagree, and what needs review.

Each chart is a plotly figure with an HTML table of the same numbers under it; plotly.js is embedded once, inline,
so the file opens offline. The numbers are also embedded as JSON (`<script type="application/json"
id="report-data">`) for tests and scripts. The file is written aside and moved into place (os.replace).
"""

from __future__ import annotations

import html
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ccperf.config import Settings
from ccperf.report_data import Row, has_table, level_order, load_publication

REPORT_NAME = "report.html"
LEVEL_LABELS = {"area": "Strategic areas", "strategic": "Strategic objectives",
                "operational": "Operational objectives", "other": "Units, people and other"}
DOC_KINDS = {"piano_performance": "Piano della performance", "relazione_performance": "Relazione sulla performance",
             "relazione_gestione": "Relazione sulla gestione"}
AMOUNT_KINDS = {"spending": "spending", "budget": "budget"}
# Budget missions of the chambers of commerce (DPCM 12/12/2012); the marts keep only the code.
MISSIONS = {
    "011": "Competitività e sviluppo delle imprese",
    "012": "Regolazione dei mercati",
    "016": "Commercio internazionale e internazionalizzazione del sistema produttivo",
    "032": "Servizi istituzionali e generali delle amministrazioni pubbliche",
    "033": "Fondi da ripartire",
    "090": "Servizi per conto terzi e partite di giro",
    "091": "Debiti da finanziamento dell'amministrazione",
}
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
TEMPLATE = "plotly_white"


class ReportError(RuntimeError):
    """The report cannot be written (nothing published yet, or an unreadable publication)."""


@dataclass
class Figure:
    fig_id: str
    section: str
    figure: go.Figure
    height: int


# ---------------------------------------------------------------- formatting


def fmt_num(value: float | int | None, decimals: int = 2) -> str:
    """1,234.5 style, trailing zeros dropped; an en dash for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_pct(value: float | None, decimals: int = 2) -> str:
    return "–" if value is None else f"{fmt_num(value, decimals)}%"


def fmt_eur(value: float | None) -> str:
    return "–" if value is None else f"€ {value:,.2f}"


def fmt_value(value: float | None, unit: str | None) -> str:
    if value is None:
        return "–"
    unit = (unit or "").strip()
    return f"{fmt_num(value)}{unit}" if unit == "%" else f"{fmt_num(value)} {unit}".rstrip()


def fmt_target(row: Row) -> str:
    if row.get("target_value") is None:
        return row.get("target_raw") or "–"
    return f"{row.get('target_operator') or ''} {fmt_value(row['target_value'], row.get('target_unit'))}".strip()


def mission_label(code: str) -> str:
    return f"{code} {MISSIONS[code]}" if code in MISSIONS else code


def wrap(text: str, width: int = 28) -> str:
    """Text broken into lines of about `width` characters with <br> (plotly axis labels do not wrap)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def chamber_year(row: Row) -> str:
    return f"{row['chamber_name']} {row['year']}"


def short(text: str | None, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], numeric: Iterable[int] = (),
               caption: str | None = None) -> str:
    """An HTML table; cells are escaped text, columns in `numeric` are right-aligned."""
    right = set(numeric)
    head = "".join(f'<th{" class=num" if i in right else ""}>{html.escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i in right else ""}>{html.escape(str(c))}</td>'
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="data">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# ---------------------------------------------------------------- charts


def _layout(fig: go.Figure, title: str, height: int, **kwargs: Any) -> None:
    settings = {"template": TEMPLATE, "title": {"text": title}, "height": height,
                "margin": {"l": 60, "r": 30, "t": 70, "b": 60}, "legend": {"orientation": "h", "y": -0.15}}
    fig.update_layout(**{**settings, **kwargs})


def entity_figure(rows: list[Row]) -> Figure:
    fig = go.Figure()
    chambers = sorted({r["chamber_name"] for r in rows})
    for year in sorted({r["year"] for r in rows}):
        of_year = [r for r in rows if r["year"] == year]
        fig.add_trace(go.Bar(name=str(year), x=[r["chamber_name"] for r in of_year],
                             y=[r["score_pct"] for r in of_year], text=[fmt_pct(r["score_pct"]) for r in of_year],
                             textposition="outside", hovertemplate="%{x} " + str(year) + ": %{y:.2f}%<extra></extra>"))
    _layout(fig, "Entity performance (PERFORMANCE DI ENTE), % as stated by each chamber", 420, barmode="group",
            yaxis={"title": {"text": "score (%)"}, "range": [0, 110]},
            xaxis={"categoryorder": "array", "categoryarray": chambers})
    return Figure("fig-entity", "entity_scores", fig, 420)


SMALL_BASE = 5  # a share of fewer readings than this is drawn pale: one more reading moves it by 20 points or more


def target_share_figure(rows: list[Row]) -> Figure:
    comparable = [r for r in rows if r["share_met_pct"] is not None]
    groups = sorted({(r["chamber_name"], r["year"]) for r in comparable})
    labels = [f"{c} {y}" for c, y in groups]
    fig = go.Figure()
    for level in sorted({r["objective_level"] for r in comparable}, key=level_order):
        of_level = [r for r in comparable if r["objective_level"] == level]
        fig.add_trace(go.Bar(
            name=LEVEL_LABELS.get(level, level), x=[chamber_year(r) for r in of_level],
            y=[r["share_met_pct"] for r in of_level],
            # each share with its base: 100% of 2 readings is not 100% of 40
            text=[f"{fmt_num(r['share_met_pct'], 0)}%<br>n={r['met'] + r['missed']}" for r in of_level],
            textposition="outside", textfont={"size": 9},
            marker={"opacity": [1.0 if r["met"] + r["missed"] >= SMALL_BASE else 0.4 for r in of_level]},
            cliponaxis=False, customdata=[[r["met"], r["met"] + r["missed"]] for r in of_level],
            hovertemplate="%{x}, " + LEVEL_LABELS.get(level, level)
            + ": %{y:.1f}% met (%{customdata[0]} of %{customdata[1]})<extra></extra>"))
    _layout(fig, "Indicators meeting their target, % of the comparable current readings<br><sup>n = readings "
                 f"compared; pale bars rest on fewer than {SMALL_BASE}</sup>",
            460, barmode="group", bargap=0.1, yaxis={"title": {"text": "target met (%)"}, "range": [0, 125]}, uniformtext={"minsize": 9, "mode": "show"},
            xaxis={"categoryorder": "array", "categoryarray": labels})
    return Figure("fig-target-share", "target_shares", fig, 460)


def missed_label(index: int, row: Row) -> str:
    code = row.get("national_indicator_code") or row.get("indicator_code") or row.get("objective_code") or ""
    return f"{index}. {chamber_year(row)} · {short(code or row['indicator_name'], 28)}"


def missed_figure(rows: list[Row]) -> Figure:
    """Target and actual of each missed indicator on one axis (each in its own unit: the table has them)."""
    labels = [missed_label(i, r) for i, r in enumerate(rows, 1)]
    units = [r.get("actual_unit") or r.get("target_unit") or "" for r in rows]
    fig = go.Figure()
    gap_x: list[float | None] = []
    gap_y: list[str | None] = []
    for label, row in zip(labels, rows, strict=True):
        gap_x += [row["target_value"], row["actual_value"], None]
        gap_y += [label, label, None]
    fig.add_trace(go.Scatter(x=gap_x, y=gap_y, mode="lines", line={"color": "#bbb", "width": 2},
                             hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(name="Target", x=[r["target_value"] for r in rows], y=labels, mode="markers",
                             marker={"symbol": "line-ns-open", "size": 16, "line": {"width": 3}, "color": "#2a6f97"},
                             customdata=[[fmt_target(r)] for r in rows],
                             hovertemplate="%{y}<br>target %{customdata[0]}<extra></extra>"))
    fig.add_trace(go.Scatter(name="Actual", x=[r["actual_value"] for r in rows], y=labels, mode="markers",
                             marker={"size": 11, "color": "#d1495b"},
                             customdata=[[fmt_value(r["actual_value"], u)] for r, u in zip(rows, units, strict=True)],
                             hovertemplate="%{y}<br>actual %{customdata[0]}<extra></extra>"))
    height = 160 + 28 * len(rows)
    _layout(fig, "Indicators that missed their target: target and actual (in each indicator's unit)", height,
            yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
            xaxis={"title": {"text": "value in the indicator's unit (%, days, number)"}},
            margin={"l": 280, "r": 30, "t": 70, "b": 60})
    return Figure("fig-missed", "missed_targets", fig, height)


def conformed_groups(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """Readings grouped by conformed indicator, in the order of the rows."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row["indicator_key"], []).append(row)
    return [(key, group) for key, group in groups.items()]


def _unit_of(group: list[Row]) -> str:
    """The unit a small multiple's values are in ("value" when the readings print none or several)."""
    units = {(r.get("actual_unit") or r.get("target_unit") or "").strip() for r in group} - {""}
    return units.pop() if len(units) == 1 else "value"


def conformed_figure(rows: list[Row]) -> Figure:
    groups = conformed_groups(rows)
    cols = 3
    n_rows = math.ceil(len(groups) / cols)
    titles = [f"{g[0].get('national_code') or 'local'} · {short(g[0]['indicator_name'], 38)}" for _, g in groups]
    fig = make_subplots(rows=n_rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.07,
                        vertical_spacing=min(0.5 / n_rows, 0.12))
    for i, (_, group) in enumerate(groups):
        row, col = i // cols + 1, i % cols + 1
        x = [chamber_year(r) for r in group]
        fig.add_trace(go.Scatter(
            name="Actual", legendgroup="actual", showlegend=i == 0, x=x, y=[r["actual_value"] for r in group],
            mode="markers", marker={"size": 10, "color": "#2a6f97"},
            customdata=[[fmt_value(r["actual_value"], r["actual_unit"]), fmt_target(r)] for r in group],
            hovertemplate="%{x}: %{customdata[0]} (target %{customdata[1]})<extra></extra>"), row=row, col=col)
        with_target = [r for r in group if r["target_value"] is not None]
        fig.add_trace(go.Scatter(
            name="Target", legendgroup="target", showlegend=i == 0, x=[chamber_year(r) for r in with_target],
            y=[r["target_value"] for r in with_target], mode="markers",
            marker={"symbol": "line-ew-open", "size": 16, "line": {"width": 2}, "color": "#d1495b"},
            hovertemplate="%{x}: target %{y}<extra></extra>"), row=row, col=col)
        fig.update_yaxes(title_text=_unit_of(group), row=row, col=col)
    height = 160 + 280 * n_rows
    # the legend sits in the top margin, on the container's own scale, above every subplot title
    _layout(fig, "The same indicator across chambers: current measured values", height,
            margin={"l": 60, "r": 30, "t": 120, "b": 60},
            legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "top", "yref": "container"})
    fig.update_annotations(font={"size": 11})
    return Figure("fig-conformed", "conformed", fig, height)


def spending_series(rows: list[Row]) -> dict[str, list[Row]]:
    """Series name (chamber, year, kind; the document when two state the same) → its rows."""
    def base(r: Row) -> str:
        return f"{chamber_year(r)} {AMOUNT_KINDS.get(r['amount_kind'], r['amount_kind'])}"
    files: dict[str, set[str]] = {}
    for row in rows:
        files.setdefault(base(row), set()).add(row["document_file"])
    series: dict[str, list[Row]] = {}
    for row in sorted(rows, key=lambda r: (r["chamber_name"], r["year"], r["amount_kind"], r["document_file"])):
        name = base(row) + (f" ({row['document_file']})" if len(files[base(row)]) > 1 else "")
        series.setdefault(name, []).append(row)
    return series


def spending_figure(rows: list[Row]) -> Figure:
    missions = sorted({r["mission_code"] for r in rows})
    fig = go.Figure()
    for name, of_series in spending_series(rows).items():
        fig.add_trace(go.Bar(name=name, x=[wrap(mission_label(r["mission_code"])) for r in of_series],
                             y=[r["amount_eur"] for r in of_series],
                             text=[fmt_eur(r["amount_eur"]) for r in of_series], textposition="outside",
                             cliponaxis=False, customdata=[mission_label(r["mission_code"]) for r in of_series],
                             hovertemplate="%{customdata}<br>" + name + ": € %{y:,.2f}<extra></extra>"))
    _layout(fig, "Spending and budget by mission (euro)", 480, barmode="group",
            yaxis={"title": {"text": "euro"}, "tickformat": ",.0f"},
            xaxis={"categoryorder": "array", "categoryarray": [wrap(mission_label(m)) for m in missions],
                   "tickangle": 0}, legend={"orientation": "h", "y": -0.3})
    return Figure("fig-spending", "spending", fig, 480)


def quality_figure(summary: dict[str, Any]) -> Figure:
    suites = summary["by_suite"]
    fig = go.Figure()
    for key, name, colour in (("met", "met", "#5b8e7d"), ("warnings", "failed: warning", "#f4a259"),
                              ("critical", "failed: critical", "#bc4b51")):
        fig.add_trace(go.Bar(name=name, y=[s["suite"] for s in suites], x=[s[key] for s in suites],
                             orientation="h", marker={"color": colour},
                             hovertemplate="%{y}: %{x} " + name + "<extra></extra>"))
    height = 140 + 26 * len(suites)
    _layout(fig, "Data-quality expectations of the publishing run, per suite", height, barmode="stack",
            yaxis={"autorange": "reversed"}, xaxis={"title": {"text": "expectations"}},
            legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
            margin={"l": 230, "r": 30, "t": 70, "b": 60})
    return Figure("fig-quality", "quality", fig, height)


def quarantine_figure(rows: list[Row]) -> Figure:
    counts: dict[str, int] = {}
    for row in rows:
        label = f"{row['document_file']} ({row['chamber_name'] or '?'} {row['year'] or '?'})"
        counts[label] = counts.get(label, 0) + 1
    fig = go.Figure(go.Bar(x=list(counts), y=list(counts.values()), text=list(counts.values()),
                           textposition="outside", marker={"color": "#f4a259"},
                           hovertemplate="%{x}: %{y} blocks<extra></extra>"))
    _layout(fig, "Quarantined blocks per document", 380, yaxis={"title": {"text": "blocks"}})
    return Figure("fig-quarantine", "quarantine", fig, 380)


def build_figures(data: dict[str, Any]) -> list[Figure]:
    """One figure per section that has something to draw."""
    figures = []
    for present, build in (
        (data["entity_scores"], lambda: entity_figure(data["entity_scores"])),
        ([r for r in data["target_shares"] if r["share_met_pct"] is not None],
         lambda: target_share_figure(data["target_shares"])),
        (data["missed_targets"], lambda: missed_figure(data["missed_targets"])),
        (data["conformed"], lambda: conformed_figure(data["conformed"])),
        (data["spending"], lambda: spending_figure(data["spending"])),
        (data["quality"] and data["quality"]["by_suite"], lambda: quality_figure(data["quality"])),
        (data["quarantine"], lambda: quarantine_figure(data["quarantine"])),
    ):
        if present:
            figures.append(build())
    return figures


# ---------------------------------------------------------------- sections


def section_entity(data: dict[str, Any]) -> str:
    rows = data["entity_scores"]
    if not rows:
        return "<p>No published document states an entity performance score.</p>"
    return html_table(["Chamber", "Year", "Entity performance"],
                      [(r["chamber_name"], r["year"], fmt_pct(r["score_pct"])) for r in rows], numeric=[1, 2])


def section_target_shares(data: dict[str, Any]) -> str:
    rows = data["target_shares"]
    if not rows:
        return "<p>No indicator reading was published.</p>"
    return html_table(
        ["Chamber", "Year", "Objective level", "Current readings", "Target met", "Target missed", "Not comparable",
         "Share met"],
        [(r["chamber_name"], r["year"], LEVEL_LABELS.get(r["objective_level"], r["objective_level"]), r["readings"],
          r["met"], r["missed"], r["not_comparable"], fmt_pct(r["share_met_pct"], 1)) for r in rows],
        numeric=[1, 3, 4, 5, 6, 7],
        caption="Not comparable: no measured value yet (plans), no operator, or target and actual in other units.")


def section_missed(data: dict[str, Any]) -> str:
    rows = data["missed_targets"]
    if not rows:
        return "<p>No current indicator reading missed its target.</p>"
    return html_table(
        ["#", "Chamber", "Year", "Objective", "Indicator", "Target", "Actual", "As printed (target → actual)",
         "Source"],
        [(i, r["chamber_name"], r["year"], r["objective_code"] or LEVEL_LABELS.get(r["objective_level"], ""),
          " · ".join(x for x in (r["national_indicator_code"] or r["indicator_code"], short(r["indicator_name"], 90))
                     if x),
          fmt_target(r), fmt_value(r["actual_value"], r["actual_unit"]),
          f"{r['target_raw'] or '–'} → {r['actual_raw'] or '–'}", f"{r['document_file']}:{r['source_line']}")
         for i, r in enumerate(rows, 1)],
        numeric=[0, 2])


def section_conformed(data: dict[str, Any]) -> str:
    rows = data["conformed"]
    if not rows:
        return "<p>No indicator has a measured value from two chambers or more.</p>"
    return html_table(
        ["Indicator", "Chamber", "Year", "Actual", "Target", "Target met", "Source"],
        [(f"{r['national_code'] or 'local'} · {short(r['indicator_name'], 70)}", r["chamber_name"], r["year"],
          fmt_value(r["actual_value"], r["actual_unit"]), fmt_target(r),
          {True: "yes", False: "no", None: "–"}[r["is_target_met"]], f"{r['document_file']}:{r['source_line']}")
         for r in rows],
        numeric=[2, 3])


def section_spending(data: dict[str, Any]) -> str:
    rows = data["spending"]
    if not rows:
        return "<p>No published document states spending or budgets by mission.</p>"
    return html_table(
        ["Mission", "Chamber", "Year", "Kind", "Amount", "From", "Source"],
        [(mission_label(r["mission_code"]), r["chamber_name"], r["year"], r["amount_kind"], fmt_eur(r["amount_eur"]),
          "mission row" if r["from_level"] == "mission" else f"sum of {r['n_rows']} programme rows",
          r["document_file"]) for r in rows],
        numeric=[2, 4])


def section_quality(data: dict[str, Any]) -> str:
    summary = data["quality"]
    if summary is None:
        return "<p>This publication carries no data-quality results (published by an older version).</p>"
    if not summary["expectations"]:
        return f"<p>No data-quality result was recorded for run {html.escape(data['run_id'])}.</p>"
    parts = [html_table(["Suite", "Expectations", "Met", "Warnings", "Critical"],
                            [(s["suite"], s["expectations"], s["met"], s["warnings"], s["critical"])
                             for s in summary["by_suite"]], numeric=[1, 2, 3, 4])]
    if summary["failures"]:
        parts.append("<h3>Expectations not met</h3>")
        parts.append(html_table(
            ["Severity", "Suite", "What is checked", "Column", "Rows at fault", "First rows (file:line)"],
            [(f["severity"], f["suite"], f["description"] or f["expectation"], f["column_name"] or "",
              f["unexpected_count"] if f["unexpected_count"] is not None else "–", "; ".join(f["examples"]))
             for f in summary["failures"]], numeric=[4]))
    return "".join(parts)


def quality_status(data: dict[str, Any]) -> str:
    """The verdict of the gate, shown above its chart."""
    summary = data["quality"]
    if not summary or not summary["expectations"]:
        return ""
    verdict = "passed" if not summary["critical"] else "FAILED"
    checked_at = str(summary["checked_at"])[:19]
    return (f'<p class="status {"ok" if verdict == "passed" else "bad"}">Quality gate {verdict}: '
            f'{summary["expectations"]} expectations checked at {html.escape(checked_at)} (UTC), '
            f'{summary["met"]} met, {summary["warnings"]} warnings (reported, not blocking), '
            f'{summary["critical"]} critical failures.</p>')


def section_quarantine(data: dict[str, Any]) -> str:
    blocks, files = data["quarantine"], data["files_not_loaded"]
    parts = []
    if blocks is None:
        parts.append("<p>This publication does not say what was quarantined (published by an older version).</p>")
    elif not blocks:
        parts.append(f"<p>No block was quarantined: every table-like block of the {len(data['documents'])} "
                     "published documents was parsed.</p>")
    else:
        parts.append(f"<p>{len(blocks)} blocks looked like tables but could not be parsed; they are kept in "
                     "raw.quarantine, never dropped.</p>")
        parts.append(html_table(["Document", "Chamber", "Year", "Lines", "Layout", "Reason", "Text"],
                                [(b["document_file"], b["chamber_name"] or "?", b["year"] or "?",
                                  f"{b['source_line']}-{b['line_end']}", b["layout"], b["reason"],
                                  short(b["text_start"], 80)) for b in blocks], numeric=[2]))
    if files:
        parts.append("<h3>Files not loaded</h3>")
        parts.append(html_table(["File", "Status", "Reason"],
                                [(f["document_file"], f["status"], f["message"]) for f in files]))
    elif files is not None:
        parts.append("<p>Every file in raw/ was loaded.</p>")
    return "".join(parts)


def section_disagreements(data: dict[str, Any]) -> str:
    rows = data.get("disagreements")
    if rows is None:
        return "<p>This publication does not say where documents disagree (published by an older version).</p>"
    if not rows:
        return ("<p>No two documents of the same chamber and year print a reading differently: every current "
                "reading is the only one printed.</p>")
    undecided = sum(1 for r in rows if r["is_undecided"])
    parts = [f"<p>{len(rows)} readings are printed differently by two documents of the same chamber and year; "
             "the kept one is current, the other is not counted."
             + (f" <b>{undecided} undecided</b>: nothing tells the documents apart, declare which one supersedes "
                "the other in raw/manifest.toml." if undecided else "") + "</p>"]
    parts.append(html_table(
        ["Chamber", "Year", "Indicator", "What differs", "Kept (current)", "Other", "Decided by"],
        [(r["chamber_name"] or "?", r["year"] or "?", short(r["indicator_name"], 60), r["differences"],
          f"{r['kept_document_file'] or '-'}:{r['kept_source_line'] or '-'}",
          f"{r['other_document_file']}:{r['other_source_line']}", r["decided_by"]) for r in rows], numeric=[1]))
    return "".join(parts)


def section_review(data: dict[str, Any]) -> str:
    items, segments = data["review"], data.get("segments")
    parts = []
    if segments:
        parts.append("<h3>How each segment was read</h3>")
        parts.append(html_table(["Document", "Lines", "Chamber", "Layout", "Status", "Coverage", "Table lines"],
                                [(s["document_file"], f"{s['line_start']}-{s['line_end']}", s["chamber_name"] or "?",
                                  s["layout"], s["parser_status"],
                                  "-" if s["coverage"] is None else f"{s['coverage']:.0%}",
                                  fmt_num(s["table_lines"], 0) if s["table_lines"] is not None else "-")
                                 for s in segments], numeric=[5, 6]))
    if not items:
        parts.append("<p>Nothing needs review.</p>")
        return "".join(parts)
    parts.append(f"<h3>{len(items)} items, most important first</h3>")
    parts.append(html_table(["#", "Kind", "Where", "What", "Excerpt"],
                            [(i["priority"], i["kind"], i["where"], i["what"], i["excerpt"]) for i in items]))
    return "".join(parts)


SECTIONS: list[tuple[str, str, str, Callable[[dict[str, Any]], str]]] = [
    ("entity_scores", "Entity performance", "The overall score each chamber states for the year "
     "(PERFORMANCE DI ENTE), as printed: every chamber computes it with its own weights.", section_entity),
    ("target_shares", "Indicators meeting their target", "Current readings (a value restated in a summary, in "
     "prose or in a final addendum counts once), per chamber, year and objective level.", section_target_shares),
    ("missed_targets", "Indicators that missed their target", "Every current reading whose actual value does not "
     "meet the printed target (compared with the printed operator, in the same unit).", section_missed),
    ("conformed", "The same indicator across chambers", "National indicators (and local ones known by the same "
     "name) measured by two chambers or more. Compare units before values: two chambers can measure one "
     "indicator differently.", section_conformed),
    ("spending", "Spending by mission", "Spending stated by the management reports and budgets stated by the "
     "budget-indicator plans (PIRA), in euro: the mission total, or the sum of its programmes when no total is "
     "printed.", section_spending),
    ("quality", "Data quality of the publishing run", "The Great Expectations gate run before publication: a "
     "critical failure stops publication, a warning is reported.", section_quality),
    ("quarantine", "Quarantined blocks and files not loaded", "What the extraction set aside instead of guessing.",
     section_quarantine),
    ("disagreements", "Documents that disagree", "Where two documents of one chamber and year (an original and "
     "its correction, two copies, two kinds of report) print one reading differently: which one is kept, and why.",
     section_disagreements),
    ("review", "Needs review", "What needs a human look, as `ccperf review` lists it: segments not read or partial "
     "(coverage: the share of a segment's table lines its rows account for), findings, files not loaded, "
     "quarantined blocks, generic readings under the confidence threshold, reconciliation mismatches.",
     section_review),
]

INTROS: dict[str, Callable[[dict[str, Any]], str]] = {"quality": quality_status}  # above the chart

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 0; color: #1f2933;
       background: #f7f8fa; }
header { background: #1f3b57; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 6px; font-size: 24px; }
header p { margin: 2px 0; font-size: 14px; }
main { max-width: 1280px; margin: 0 auto; padding: 8px 24px 40px; }
section { background: #fff; border: 1px solid #e1e5ea; border-radius: 6px; padding: 12px 20px 20px;
          margin: 18px 0; }
h2 { font-size: 19px; margin: 8px 0 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p.lead { color: #52606d; margin: 0 0 8px; font-size: 14px; }
table.data { border-collapse: collapse; font-size: 13px; margin-top: 10px; width: 100%; }
table.data caption { caption-side: bottom; text-align: left; color: #52606d; font-size: 12px; padding-top: 4px; }
table.data th, table.data td { border-bottom: 1px solid #e1e5ea; padding: 4px 8px; text-align: left;
                               vertical-align: top; }
table.data th { background: #eef2f6; }
table.data .num { text-align: right; white-space: nowrap; }
p.status { font-weight: 600; padding: 8px 12px; border-radius: 4px; }
p.status.ok { background: #e3f1ea; color: #1e5c3a; }
p.status.bad { background: #f8e1e1; color: #8a1c1c; }
"""


def render(data: dict[str, Any], figures: list[Figure]) -> str:
    """The whole page. plotly.js goes inline with the first figure only."""
    by_section = {f.section: f for f in figures}
    data = {**data, "figures": [{"id": f.fig_id, "section": f.section, "traces": len(f.figure.data)}
                                for f in figures]}
    first = figures[0].fig_id if figures else None
    body = []
    for key, title, lead, section in SECTIONS:
        figure = by_section.get(key)
        chart = figure.figure.to_html(full_html=False, include_plotlyjs=figure.fig_id == first, div_id=figure.fig_id,
                                      config=PLOT_CONFIG, default_height=f"{figure.height}px") if figure else ""
        intro = INTROS[key](data) if key in INTROS else ""
        body.append(f'<section id="{key}"><h2>{html.escape(title)}</h2><p class="lead">{html.escape(lead)}</p>'
                    f"{intro}{chart}{section(data)}</section>")
    docs = data["documents"]
    doc_list = html_table(["File", "Chamber", "Year", "Kind", "Lines"],
                          [(d["document_file"], d["chamber_name"], d["year"], DOC_KINDS.get(d["doc_kind"],
                            d["doc_kind"]), fmt_num(d["n_lines"], 0)) for d in docs], numeric=[2, 4])
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # nothing in the data may close the script element
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ccperf report – run {html.escape(data['run_id'])}</title><style>{CSS}</style></head>
<body><header><h1>Performance of the Chambers of Commerce</h1>
<p>Published by run <b>{html.escape(data['run_id'])}</b> at {html.escape(str(data['published_at']))} (UTC)</p>
<p>{len(docs)} documents covered: {html.escape(', '.join(sorted({chamber_year(d) for d in docs})))}</p></header>
<main><section id="documents"><h2>Documents covered</h2>{doc_list}</section>
{''.join(body)}
</main>
<script type="application/json" id="report-data">{payload}</script>
</body></html>
"""


# ---------------------------------------------------------------- entry point


def read_published(serving_db: Path) -> dict[str, Any]:
    if not serving_db.exists():
        raise ReportError(f"nothing published yet: {serving_db} does not exist (run `ccperf run` first)")
    try:
        con = duckdb.connect(str(serving_db), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(f"cannot open the published marts {serving_db}: {exc}") from exc
    try:
        if not has_table(con, "marts", "_publication"):
            raise ReportError(f"{serving_db} holds no publication (no marts._publication)")
        return load_publication(con)
    except duckdb.Error as exc:
        raise ReportError(f"cannot read the published marts {serving_db}: {exc}") from exc
    finally:
        con.close()


def write_report(settings: Settings) -> Path:
    """Write data/marts/report.html from the published marts (atomically) and return its path."""
    data = read_published(settings.serving_db)
    page = render(data, build_figures(data))
    target = settings.marts_dir / REPORT_NAME
    fd, tmp = tempfile.mkstemp(dir=settings.marts_dir, prefix=".report-", suffix=".html.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the report is for readers
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
