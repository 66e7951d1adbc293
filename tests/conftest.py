"""Shared fixtures: the bundled documents, the labelled sample, a Prefect test harness and one real pipeline run."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccperf.config import PROJECT_ROOT

RAW_DIR = PROJECT_ROOT / "data" / "raw"
GOLD_DIR = Path(__file__).parent / "fixtures" / "gold-sample"
MANTOVA_FILE = "001_454f49c59e8c1ba9.txt"


def gold_rows(name: str) -> list[dict]:
    """Labelled rows of tests/fixtures/gold-sample/<name>.jsonl."""
    with (GOLD_DIR / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW_DIR


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One temporary Prefect API for the whole session (starting one takes ~15 s)."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def data_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a copy of the bundled documents."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(RAW_DIR, data / "raw")
    return data


@pytest.fixture(scope="session")
def pipeline_run(prefect_harness: None, data_copy: Path):
    """The real flow run once on the real documents (shared by the end-to-end tests)."""
    from flows.pipeline import pipeline

    return pipeline(data_dir=str(data_copy))


# Fixtures that start Prefect or run the whole flow: a test using one (directly or through another fixture) is a
# flow-level test, marked slow, so `pytest -m "not slow"` is the fast subset for development.
FLOW_FIXTURES = {"prefect_harness", "pipeline_run"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if FLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
