"""How the bundled documents read when another tool made their text: each document is rendered to PDF (the test
renderer, tests/pdf_render.py, ruled tables), converted by poppler's `pdftotext` in its three modes (-layout, -raw,
default), and extracted; the readings are compared with those of the text original.

Usage: .venv/bin/python bench/other_converters.py [--out DIR]   (needs pdftotext: apt-get install poppler-utils)
Prints a Markdown table: share of the original's readings found (same name start, target and result), published
readings that are not the original's (misread), readings sent to review, quarantined blocks.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ccperf.extract.extractor import extract_file  # noqa: E402
from ccperf.extract.layouts.generic import CONFIDENCE_FOR_REVIEW  # noqa: E402
from ccperf.extract.linking import normalise_name  # noqa: E402
from tests.pdf_render import render  # noqa: E402

MODES = ("-layout", "-raw", "")


def _key(reading) -> tuple:
    return normalise_name(reading.indicator_name)[:40], reading.target_value, reading.actual_value


def _row(original: Counter, text: Path) -> tuple[float, int, int, int]:
    result = extract_file(text)
    published = [r for r in result.readings if r.confidence is None or r.confidence >= CONFIDENCE_FOR_REVIEW]
    got = Counter(map(_key, published))
    share = sum((original & got).values()) / max(1, sum(original.values()))
    return share, sum((got - original).values()), len(result.readings) - len(published), len(result.quarantined)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the PDFs and texts here (default: a temporary folder)")
    args = parser.parse_args()
    pdftotext = shutil.which("pdftotext") or sys.exit("pdftotext not found: apt-get install poppler-utils")
    out = args.out or Path(tempfile.mkdtemp(prefix="ccperf-converters-"))
    out.mkdir(parents=True, exist_ok=True)
    print("| document | pdftotext mode | share of the original's readings | misread, published | to review "
          "| quarantined blocks |")
    print("|---|---|---:|---:|---:|---:|")
    for path in sorted((ROOT / "data" / "raw").glob("*.txt")):
        original = Counter(map(_key, extract_file(path).readings))
        pdf = out / f"{path.stem}.pdf"
        pdf.write_bytes(render(path.read_text(encoding="utf-8").split("\n"), "ruled"))
        for mode in MODES:
            text = out / f"{path.stem}{mode or '-default'}.txt"
            subprocess.run([pdftotext, *([mode] if mode else []), str(pdf), str(text)], check=True)
            share, misread, review, quarantined = _row(original, text)
            print(f"| {path.name[:3]} | {mode or '(default)'} | {share:.3f} | {misread} | {review} | {quarantined} |")


if __name__ == "__main__":
    main()
