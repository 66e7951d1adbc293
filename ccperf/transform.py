"""Run the dbt project (dbt build: seeds, models, data tests, unit tests) in a subprocess.

A subprocess rather than dbtRunner: dbt-duckdb keeps connections that can leave the warehouse file locked or
stale in the calling process (dbt-duckdb issues 203 and 616).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ccperf.config import Settings
from ccperf.lifecycle import child_command


@dataclass
class DbtResult:
    success: bool
    command: list[str]
    failures: list[str] = field(default_factory=list)  # "model.x: message" for every failed node
    counts: dict[str, int] = field(default_factory=dict)  # status → nodes
    log_tail: str = ""


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(settings: Settings, command: str = "build", extra: list[str] | None = None) -> DbtResult:
    target = settings.dbt_target_dir
    target.mkdir(parents=True, exist_ok=True)
    args = [dbt_executable(), command, "--project-dir", str(settings.dbt_project_dir),
            "--profiles-dir", str(settings.dbt_project_dir), "--target-path", str(target),
            "--log-path", str(target / "logs"), *(extra or [])]
    env = {**os.environ, "CCPERF_WAREHOUSE": str(settings.warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    run_results = target / "run_results.json"
    run_results.unlink(missing_ok=True)  # never report a previous run's results
    # dbt ends with the run: through child_command it gets SIGTERM if the run is killed; if the run is stopped
    # (SIGTERM, Ctrl+C) it is terminated here, given a few seconds, then killed
    proc = subprocess.Popen(child_command(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate()
    except BaseException:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    result = DbtResult(success=proc.returncode == 0, command=args, log_tail=(stdout + stderr)[-4000:])
    if run_results.exists() and command in ("build", "run", "test", "seed"):
        for node in json.loads(run_results.read_text()).get("results", []):
            status = node.get("status", "")
            result.counts[status] = result.counts.get(status, 0) + 1
            if status in ("error", "fail"):
                result.failures.append(f"{node.get('unique_id')}: {(node.get('message') or '').strip()[:300]}")
    if not result.success and not result.failures:
        result.failures.append(f"dbt {command} exited with code {proc.returncode}: {result.log_tail[-600:]}")
    return result
