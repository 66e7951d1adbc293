"""BI for real: `ccperf bi` runs Apache Superset on loopback with the shipped dashboard, and every number of every
chart is checked against independent SQL on the published Parquet files, before and after a republication.

One module-scoped set-up (minutes; marked slow, CI runs it): a real `ccperf run` on a copy of the bundled
documents, then `ccperf bi` twice (the first sets everything up, the second must find it all in place), with a
user and password of the test's own in CCPERF_BI_ADMIN_USER / CCPERF_BI_ADMIN_PASSWORD and a free port. Superset's
environment is the cached one (~/.cache/ccperf/superset-<key>), built by the first `ccperf bi` when missing.

- the dashboard as imported: database (the serving file, read-only), datasets, charts, native filters;
- every chart's data through the chart-data API (GET /api/v1/chart/<id>/data/, the chart's saved query context),
  compared with the Parquet files; the same with each native filter applied (POST /api/v1/chart/data);
- the dashboard in headless Chromium: the data each chart of the page received is the same, no script error,
  nothing requested from another host, a screenshot;
- a republication with Cremona's 2022 management report withdrawn, Superset left running: the charts follow.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest
import yaml

from ccperf import bi
from tests.conftest import RAW_DIR

pytestmark = pytest.mark.slow

WITHDRAWN = "002_4c02911812a27649.txt"  # Cremona's 2022 management report: its spending and 204 readings
RUN_TIMEOUT_S = 900
LEVEL_RANK = {"area": 1, "strategic": 2, "operational": 3}  # others: 4 (the dashboard's level_ordered)
FILTERS = [{"chamber_name": "Cremona"}, {"year": 2024}, {"objective_level": "operational"},
           {"chamber_name": "Mantova", "objective_level": "strategic"}]
Row = dict[str, Any]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from ccperf.cli import app; app()", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Bi:
    data: Path
    env: dict[str, str]
    settings: bi.BiSettings
    setup_s: dict[str, float]
    outputs: list[str]
    charts: dict[str, int] = field(default_factory=dict)  # chart file stem in bi/dashboard/charts → id

    @property
    def marts(self) -> Path:
        return self.data / "marts"

    def api(self) -> bi.SupersetApi:
        return bi.login(self.settings)

    def run_pipeline(self, label: str) -> None:
        started = time.perf_counter()
        proc = subprocess.run(cli("run", "--data-dir", str(self.data)), env=self.env, cwd=self.data.parent,
                              capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        print(f"{label}: {time.perf_counter() - started:.1f} s")
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]

    def ccperf_bi(self, *args: str) -> tuple[float, str]:
        started = time.perf_counter()
        proc = subprocess.run(cli("bi", "--data-dir", str(self.data), *args), env=self.env, cwd=self.data.parent,
                              capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - started
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
        return seconds, proc.stdout


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bi]:
    tmp = tmp_path_factory.mktemp("bi-superset")
    data = tmp / "data"
    shutil.copytree(RAW_DIR, data / "raw")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect-home"),
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
           "CCPERF_BI_PORT": str(port), "CCPERF_BI_ADMIN_USER": "analyst",
           "CCPERF_BI_ADMIN_PASSWORD": secrets.token_urlsafe(12)}
    env.pop("PREFECT_API_URL", None)
    settings = bi.BiSettings(data.resolve(), port, "analyst", env["CCPERF_BI_ADMIN_PASSWORD"],
                             Path(env["CCPERF_BI_VENV"]).resolve() if env.get("CCPERF_BI_VENV") else bi.default_venv())
    state = Bi(data.resolve(), env, settings, {}, [])
    state.run_pipeline("first publication")
    try:
        cached = bi.environment_ready(settings.venv)
        seconds, out = state.ccperf_bi()
        state.setup_s["first"] = seconds
        state.outputs.append(out)
        print(f"ccperf bi, first: {seconds:.1f} s (Superset environment {'cached' if cached else 'installed'})\n{out}")
        seconds, out = state.ccperf_bi()
        state.setup_s["repeated"] = seconds
        state.outputs.append(out)
        print(f"ccperf bi, repeated: {seconds:.1f} s\n{out}")
        names = {yaml.safe_load(p.read_text())["slice_name"]: p.stem
                 for p in (bi.DASHBOARD_DIR / "charts").glob("*.yaml")}
        charts = state.api().get(f"/api/v1/dashboard/{bi.DASHBOARD_SLUG}/charts")["result"]
        state.charts = {names[c["slice_name"]]: c["id"] for c in charts}
        yield state
    finally:
        server = bi.running_server(settings)
        proc = subprocess.run(cli("bi", "--data-dir", str(data), "--stop"), env=env, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if server:
            assert not psutil.pid_exists(server["pid"]) or psutil.Process(server["pid"]).status() == "zombie"
            assert "stopped Superset" in proc.stdout


# ---------------------------------------------------------------- the numbers, from the Parquet files


def parquet(marts: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose schemas `marts` and `audit` are views on the published Parquet files."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create schema audit")
    for path in sorted(marts.glob("*.parquet")):
        con.execute(f"create view marts.\"{path.stem}\" as select * from read_parquet('{path}')")
    for path in sorted((marts / "audit").glob("*.parquet")):
        con.execute(f"create view audit.\"{path.stem}\" as select * from read_parquet('{path}')")
    return con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def keep(row: Row, flt: dict[str, Any]) -> bool:
    """The native filters a chart's dataset has the columns of (the others are rejected by Superset)."""
    return all(row[col] == value for col, value in flt.items() if col in row)


def rank(level: str) -> int:
    return LEVEL_RANK.get(level, 4)


def epoch_ms(value: dt.date | dt.datetime | str | None) -> float | None:
    """Superset's JSON for dates and timestamps: milliseconds since 1970 (UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=dt.UTC).timestamp() * 1000


def publication(con, marts: Path, flt) -> list[tuple]:
    manifest = json.loads((marts / "_publication.json").read_text())
    return [(manifest["run_id"], epoch_ms(manifest["published_at"]))]


def entity(con, marts, flt) -> set[tuple]:
    best: dict[tuple, float] = {}
    for r in rows(con, "select chamber_name, year, score_pct from marts.fact_performance_score "
                       "where score_level = 'entity' and is_current"):
        if keep(r, flt):
            key = (r["chamber_name"], str(r["year"]))
            best[key] = max(best.get(key, r["score_pct"]), r["score_pct"])
    return {(*k, v) for k, v in best.items()}


def reading_groups(con, flt) -> dict[tuple, Counter]:
    groups: dict[tuple, Counter] = defaultdict(Counter)
    for r in rows(con, "select chamber_name, year, objective_level, is_target_met "
                       "from marts.fact_indicator_reading where is_current"):
        if keep(r, flt):
            g = groups[(r["chamber_name"], r["year"], r["objective_level"])]
            g["readings"] += 1
            g["met"] += r["is_target_met"] is True
            g["missed"] += r["is_target_met"] is False
    return groups


def share(g: Counter) -> float | None:
    comparable = g["met"] + g["missed"]
    return 100.0 * g["met"] / comparable if comparable else None


def share_bar(con, marts, flt) -> set[tuple]:
    return {(f"{c} {y}", f"{rank(level)} {level}", share(g))
            for (c, y, level), g in reading_groups(con, flt).items() if share(g) is not None}


def share_table(con, marts, flt) -> list[tuple]:
    groups = reading_groups(con, flt)
    return [(c, y, level, g["readings"], g["met"] + g["missed"], g["met"], g["missed"], share(g))
            for (c, y, level), g in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], rank(kv[0][2])))]


def missed(con, marts, flt) -> list[tuple]:
    return [tuple(r.values())[:-2] + (f"{r['document_file']}:{r['source_line']}",)
            for r in rows(con, """
                select chamber_name, year, objective_level, objective_code, national_indicator_code,
                       indicator_name, target_raw, target_value, actual_raw, actual_value, actual_unit,
                       document_file, source_line
                from marts.v_indicator_readings where is_current and not is_target_met""") if keep(r, flt)]


def conformed(con, marts, flt) -> list[tuple]:
    measured = rows(con, """
        select r.indicator_key, i.national_code, i.indicator_name, r.chamber_name, r.year, r.objective_level,
               r.actual_value, r.actual_unit, r.target_raw, r.is_target_met, r.document_file, r.source_line
        from marts.fact_indicator_reading as r join marts.dim_indicator as i using (indicator_key)
        where i.is_shared_across_chambers and r.is_current and r.actual_value is not null""")
    chambers: dict[str, set[str]] = defaultdict(set)
    for r in measured:
        chambers[r["indicator_key"]].add(r["chamber_name"])
    return [(r["national_code"] or "local", r["indicator_name"], r["chamber_name"], r["year"], r["actual_value"],
             r["actual_unit"], r["target_raw"], r["is_target_met"], f"{r['document_file']}:{r['source_line']}")
            for r in measured if len(chambers[r["indicator_key"]]) >= 2 and keep(r, flt)]


def spending(con, marts, flt) -> set[tuple]:
    """Per stating document and mission: the mission rows when there are some, else the programme rows."""
    stated: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows(con, "select chamber_name, year, amount_kind, amount_level, mission_code, document_file, "
                       "amount_eur from marts.fact_mission_spending"):
        if keep(r, flt):
            key = (r["chamber_name"], r["year"], r["amount_kind"], r["mission_code"], r["document_file"])
            stated[key][r["amount_level"]] += float(r["amount_eur"])
    totals: dict[tuple, float] = defaultdict(float)
    for (chamber, year, kind, mission, _), by_level in stated.items():
        totals[(mission, f"{chamber}, {year}, {kind}")] += by_level.get("mission", by_level.get("programme", 0.0))
    return {(*k, round(v, 2)) for k, v in totals.items()}


def spending_rows(con, marts, flt) -> list[tuple]:
    return [(r["chamber_name"], r["year"], r["amount_kind"], r["amount_level"], r["mission_code"],
             r["programme_code"], r["programme_name"], float(r["amount_eur"]),
             f"{r['document_file']}:{r['source_line']}")
            for r in rows(con, "select * from marts.fact_mission_spending") if keep(r, flt)]


def quality_suites(con, marts, flt) -> list[tuple]:
    suites: dict[str, Counter] = defaultdict(Counter)
    for r in rows(con, "select suite, severity, success from audit.quality_results"):
        s = suites[r["suite"]]
        s["n"] += 1
        s["met"] += r["success"]
        s["warnings"] += (not r["success"]) and r["severity"] == "warning"
        s["critical"] += (not r["success"]) and r["severity"] == "critical"
    return [(name, s["n"], s["met"], s["warnings"], s["critical"]) for name, s in sorted(suites.items())]


def quality_failures(con, marts, flt) -> list[tuple]:
    out = []
    for r in rows(con, "select * from audit.quality_results where not success"):
        first = json.loads(r["unexpected_rows"] or "[]")[:5]
        out.append((r["severity"], r["suite"], r["expectation"], r["column_name"], r["unexpected_count"],
                    r["description"], ", ".join(f"{x['document_file']}:{x['source_line']}" for x in first)))
    return out


def documents(con, marts, flt) -> list[tuple]:
    docs = {d["document_sha256"]: d for d in rows(con, "select * from marts.dim_document")}
    blocks = Counter(r["document_sha256"] for r in rows(con, "select document_sha256 from audit.quarantine"))
    out = []
    for f in rows(con, "select * from audit.document_files"):
        d = docs.get(f["document_sha256"], {})
        row = {"chamber_name": d.get("chamber_name"), "year": d.get("year")}
        if keep(row, flt):
            out.append((f["document_file"], f["status"], row["chamber_name"], row["year"], d.get("doc_kind"),
                        d.get("n_lines"), d.get("layouts"), blocks[f["document_sha256"]], f["message"]))
    return out


def chambers(con, marts, flt) -> list[tuple]:
    keys = {r["chamber_key"] for r in rows(con, "select chamber_key from marts.dim_document union all "
                                                "select chamber_key from marts.fact_indicator_reading")}
    return [(r["chamber_name"], r["official_name"], r["region"], epoch_ms(r["valid_from"]), epoch_ms(r["valid_to"]),
             r["current_chamber_name"])
            for r in rows(con, "select * from marts.dim_chamber") if r["chamber_key"] in keys and keep(r, flt)]


@dataclass(frozen=True)
class Expect:
    compute: Callable[..., Any]
    kind: str  # "bar": a pivoted chart, compared as (x, series, value); "ordered": rows in order; "rows": any order
    columns: frozenset[str]  # the native filters' columns its dataset has


ALL = frozenset({"chamber_name", "year", "objective_level"})
CHAMBER_YEAR = frozenset({"chamber_name", "year"})
NONE: frozenset[str] = frozenset()
EXPECTED: dict[str, Expect] = {
    "publication": Expect(publication, "rows", NONE),
    "entity": Expect(entity, "bar", CHAMBER_YEAR),
    "share_bar": Expect(share_bar, "bar", ALL),
    "share_table": Expect(share_table, "ordered", ALL),
    "missed": Expect(missed, "rows", ALL),
    "conformed": Expect(conformed, "rows", ALL),
    "spending": Expect(spending, "bar", CHAMBER_YEAR),
    "spending_rows": Expect(spending_rows, "rows", CHAMBER_YEAR),
    "quality_suites": Expect(quality_suites, "ordered", NONE),
    "quality_failures": Expect(quality_failures, "rows", NONE),
    "documents": Expect(documents, "rows", CHAMBER_YEAR),
    "chambers": Expect(chambers, "rows", frozenset({"chamber_name"})),
}


def plain(value: Any) -> Any:
    """Numbers compared to 1e-6 (the API's floats against DuckDB's doubles and decimals)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return round(float(value), 6)
    return value


def from_chart(key: str, result: Row) -> Any:
    """One chart's data as the API gave it, in the form its expectation is written in."""
    expect = EXPECTED[key]
    data = result["data"]
    if expect.kind == "bar":
        x = result["colnames"][0]
        points = set()
        for row in data:
            label = row[x].split(" ")[0] if key == "spending" else row[x]  # "011 Competitività ..." → "011"
            points |= {(label, series, plain(v)) for series, v in row.items() if series != x and v is not None}
        return points
    values = [tuple(plain(v) for v in row.values()) for row in data]
    return values if expect.kind == "ordered" else sorted(values, key=repr)


def expected(key: str, marts: Path, flt: dict[str, Any] | None = None) -> Any:
    expect = EXPECTED[key]
    flt = {k: v for k, v in (flt or {}).items() if k in expect.columns}
    with parquet(marts) as con:
        out = expect.compute(con, marts, flt)
    if expect.kind == "bar":
        return {(a, b, plain(v)) for a, b, v in out}
    values = [tuple(plain(v) for v in row) for row in out]
    return values if expect.kind == "ordered" else sorted(values, key=repr)


def check_all_charts(state: Bi, results: dict[str, Row], flt: dict[str, Any] | None = None) -> None:
    assert set(results) == set(EXPECTED), "a chart of the dashboard without its expectation here, or the reverse"
    for key, result in results.items():
        assert from_chart(key, result) == expected(key, state.marts, flt), f"chart {key}, filters {flt}"


def saved_query_results(state: Bi, api: bi.SupersetApi) -> dict[str, Row]:
    return {key: api.chart_data(chart_id)["result"][0] for key, chart_id in state.charts.items()}


# ---------------------------------------------------------------- tests


def test_ccperf_bi_sets_up_superset_with_the_dashboard(superset: Bi) -> None:
    first, repeated = superset.outputs
    url = superset.settings.dashboard_url
    assert url in first and url in repeated
    assert "started" in first and "already running" in repeated
    assert "(cached)" in repeated and "prepared" not in repeated  # nothing done twice
    assert superset.setup_s["repeated"] < 30
    home = superset.settings.home
    assert (home / "superset.db").exists() and (home / "superset_config.py").exists()
    assert (home / "secret_key").stat().st_mode & 0o077 == 0
    server = bi.running_server(superset.settings)
    listening = {c.laddr for p in [psutil.Process(server["pid"]), *psutil.Process(server["pid"]).children()]
                 for c in p.net_connections("tcp") if c.status == psutil.CONN_LISTEN}
    assert listening == {("127.0.0.1", superset.settings.port)}  # loopback only
    # the environment variables' user: the default one does not exist, a wrong password is refused
    assert not bi.SupersetApi(superset.settings.url).login("admin", "admin")
    assert not bi.SupersetApi(superset.settings.url).login("analyst", "wrong")
    api = superset.api()

    database = api.get("/api/v1/database/?q=(filters:!((col:database_name,opr:eq,value:ccperf)))")["result"]
    assert len(database) == 1
    detail = api.get(f"/api/v1/database/{database[0]['id']}/connection")["result"]
    assert detail["sqlalchemy_uri"] == bi.serving_uri(superset.data / "marts" / "ccperf.duckdb")
    assert detail["allow_dml"] is False and detail["expose_in_sqllab"] is True
    # read-only for real: SQL Lab can read, and cannot write
    ok = api.call("POST", "/api/v1/sqllab/execute/", {"database_id": database[0]["id"], "sql":
                  "select count(*) as n from marts.fact_indicator_reading", "runAsync": False})
    assert ok["data"] == [{"n": 901}]
    status, body = api.request("POST", "/api/v1/sqllab/execute/", json.dumps(
        {"database_id": database[0]["id"], "sql": "create table marts.x as select 1", "runAsync": False}).encode(),
        {"Content-Type": "application/json"})
    assert status >= 400, body[:500]

    shipped = {yaml.safe_load(p.read_text())["uuid"] for p in (bi.DASHBOARD_DIR / "charts").glob("*.yaml")}
    assert len(superset.charts) == len(shipped) == 12
    dashboard = api.get(f"/api/v1/dashboard/{bi.DASHBOARD_SLUG}")["result"]
    metadata = json.loads(dashboard["json_metadata"])
    filters = {f["name"]: f for f in metadata["native_filter_configuration"]}
    assert set(filters) == {"Chamber", "Year", "Objective level"}
    datasets = {d["id"]: d for d in api.get("/api/v1/dataset/?q=(page_size:100)")["result"]}
    for name, column in (("Chamber", "chamber_name"), ("Year", "year"), ("Objective level", "objective_level")):
        (target,) = filters[name]["targets"]
        assert target["column"]["name"] == column
        assert datasets[target["datasetId"]]["table_name"] == "v_indicator_readings"
        assert filters[name]["scope"] == {"rootPath": ["ROOT_ID"], "excluded": []}  # every chart
    tables = {(d["schema"], d["table_name"]) for d in datasets.values()}
    assert {("marts", "v_indicator_readings"), ("marts", "fact_performance_score"), ("marts", "fact_mission_spending"),
            ("marts", "fact_indicator_reading"), ("audit", "quality_results")} <= tables


def test_every_chart_through_the_chart_data_api_matches_the_parquet_files(superset: Bi) -> None:
    api = superset.api()
    results = saved_query_results(superset, api)
    for key, result in results.items():
        assert result["rowcount"] > 0, f"chart {key} is empty"
    check_all_charts(superset, results)
    # each chart's query time through Superset (the saved query, run again: force=true), first and best of 3
    timings = {}
    for key, chart_id in superset.charts.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            api.chart_data(chart_id)
            times.append((time.perf_counter() - started) * 1000)
        timings[key] = (times[0], min(times))
    print("\nchart query time through Superset (ms, first / best of 3):")
    for key, (first, best) in timings.items():
        print(f"  {key:18} {first:6.0f} {best:6.0f}")
    print(f"  median of the best: {statistics.median(b for _, b in timings.values()):.0f} ms")


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()))
def test_native_filters_apply_to_the_charts_that_have_the_column(superset: Bi, flt: dict[str, Any]) -> None:
    """Each chart's saved query with the filter a native filter adds (as the dashboard sends it)."""
    api = superset.api()
    results = {}
    for key, chart_id in superset.charts.items():
        context = json.loads(api.get(f"/api/v1/chart/{chart_id}")["result"]["query_context"])
        context["queries"][0]["filters"] += [{"col": col, "op": "IN", "val": [value]} for col, value in flt.items()]
        result = api.call("POST", "/api/v1/chart/data", context)["result"][0]
        applied = {f["column"] for f in result["applied_filters"]}
        rejected = {f["column"] for f in result["rejected_filters"] if f["reason"] == "not_in_datasource"}
        assert applied == set(flt) & EXPECTED[key].columns, key
        assert rejected == set(flt) - EXPECTED[key].columns, key
        results[key] = result
    check_all_charts(superset, results, flt)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    return struct.unpack(">II", header[16:24])


def browse(superset: Bi, screenshot: Path) -> bi.DashboardView:
    if bi.chromium_path() is None:
        reason = "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    view = bi.open_dashboard(superset.settings.dashboard_url, superset.settings.user, superset.settings.password,
                             len(superset.charts), screenshot)
    assert view.errors == []
    assert all("scarf.sh" in url for url in view.refused), view.refused  # Superset's usage pixel, refused
    by_id = {chart_id: key for key, chart_id in superset.charts.items()}
    assert set(view.chart_data) == set(by_id)
    assert all(response["status"] == 200 for response in view.chart_data.values()), view.chart_data
    check_all_charts(superset, {by_id[i]: r["result"][0] for i, r in view.chart_data.items()})
    width, height = png_size(screenshot)
    assert width == 1600 and height > 3000 and screenshot.stat().st_size > 150_000
    return view


def test_the_dashboard_in_headless_chromium(superset: Bi, tmp_path: Path) -> None:
    view = browse(superset, tmp_path / "dashboard.png")
    print(f"\ndashboard in Chromium: {len(view.chart_data)} charts' data in {view.seconds:.1f} s; "
          f"screenshot {tmp_path / 'dashboard.png'}")
    if os.environ.get("CCPERF_BI_SCREENSHOT"):  # to refresh docs/img/superset-dashboard.png by hand
        shutil.copyfile(tmp_path / "dashboard.png", os.environ["CCPERF_BI_SCREENSHOT"])


def test_after_a_republication_the_charts_follow_without_a_restart(superset: Bi, tmp_path: Path) -> None:
    api = superset.api()
    before = saved_query_results(superset, api)
    server = bi.running_server(superset.settings)
    old_manifest = json.loads((superset.marts / "_publication.json").read_text())
    old_inode = (superset.marts / "ccperf.duckdb").stat().st_ino

    (superset.data / "raw" / WITHDRAWN).unlink()
    superset.run_pipeline("republication without Cremona 2022")
    new_manifest = json.loads((superset.marts / "_publication.json").read_text())
    assert new_manifest["run_id"] != old_manifest["run_id"]
    assert (superset.marts / "ccperf.duckdb").stat().st_ino != old_inode  # a new file, swapped in by a rename
    assert bi.running_server(superset.settings) == server and bi.is_healthy(superset.settings.url)  # no restart

    after = saved_query_results(superset, api)
    check_all_charts(superset, after)
    assert after["publication"]["data"][0]["run_id"] == new_manifest["run_id"]
    assert before["publication"]["data"][0]["run_id"] == old_manifest["run_id"]
    spent = {s for row in after["spending"]["data"] for s in row if s != "mission"}
    assert "Cremona, 2022, spending" in {s for row in before["spending"]["data"] for s in row}
    assert spent == {"Cremona, 2024, budget"}
    assert [r["document_file"] for r in after["documents"]["data"]] == sorted(
        p.name for p in (superset.data / "raw").glob("*.txt"))
    assert after["share_table"]["rowcount"] < before["share_table"]["rowcount"]
    # and in the browser: the page shows the new publication on its next load
    view = browse(superset, tmp_path / "after.png")
    assert view.chart_data[superset.charts["publication"]]["result"][0]["data"][0]["run_id"] == new_manifest["run_id"]


def test_the_shipped_yaml_is_what_superset_exports(superset: Bi, tmp_path: Path) -> None:
    """bi/dashboard/ round-trips: imported, then exported by `ccperf bi --export`'s code, it is the same text (so
    nothing in it is lost or changed on import, and an export after edits in Superset's UI diffs cleanly)."""
    folder = tmp_path / "dashboard"
    shutil.copytree(bi.DASHBOARD_DIR, folder)
    written = bi.export_dashboard(superset.api(), superset.settings, folder)
    shipped = bi.dashboard_files()
    assert sorted(written) == sorted(shipped)
    for name, text in shipped.items():
        assert (folder / name).read_text(encoding="utf-8") == text, name


def test_the_datasets_list_every_column_of_the_publication(superset: Bi) -> None:
    """A mart that gains, loses or retypes a column must be followed in bi/dashboard/datasets (Superset only offers
    the columns a dataset lists, and an import drops the others)."""
    with duckdb.connect(str(superset.marts / "ccperf.duckdb"), read_only=True) as con:
        for path in sorted((bi.DASHBOARD_DIR / "datasets").rglob("*.yaml")):
            dataset = yaml.safe_load(path.read_text(encoding="utf-8"))
            source = (f"({dataset['sql']})" if dataset["sql"]
                      else f"{dataset['schema']}.\"{dataset['table_name']}\"")
            actual = [(name, kind) for name, kind, *_ in con.execute(f"describe select * from {source}").fetchall()]
            listed = [(c["column_name"], c["type"]) for c in dataset["columns"] if not c["expression"]]
            assert listed == actual, path.name
