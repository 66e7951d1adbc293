"""Generate a larger corpus from the five bundled documents, for the scaling benchmark (bench/run_benchmark.py).

Usage: .venv/bin/python bench/generate_corpus.py --scale N --out DIR [--check]

DIR/raw/ receives 5·N files: the five originals unchanged, and for k = 1..N-1 an altered copy
`<orig-stem>_c<k>.txt` of each. A copy is deterministic (seeded by the original's stem and k) and differs from its
original in three ways, so the parsers do the same work on new content:
- chamber names: Cremona, Mantova, Pavia, Brescia and Massa-Carrara are replaced by other real chamber names, one
  mapping per copy applied to every mention (UPPER/Title/lower case kept; the merged "Cremona-Mantova-Pavia" becomes
  the merger of the three new names);
- years: every year 2000-2035 (also in codes like 2020_01_02, dates, ranges 2024-2026, dd/mm/yy dates and dates split
  over two lines) is shifted by -(k mod 10), so ten copies cover ten years;
- values: Italian decimals (12,5), thousands-grouped numbers (1.234,56), percentages and euro amounts are changed
  by up to ±15% keeping their exact printed format (same digits, decimals and grouping); codes, bare integers (page
  and line numbers, counts, mission codes), dates and years are left alone, and so are 0 and 100 (full
  achievement).
`--check` extracts every generated file and compares its counts with its original's (they must be equal, with
nothing quarantined) and its detected chamber and year with the ones the copy was given.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "data" / "raw"

# The chambers of the bundled documents; "Massa-Carrara" also stands for "Massa" and "Carrara" alone.
ORIGINAL_CHAMBERS = ("Cremona", "Mantova", "Pavia", "Brescia", "Massa-Carrara")
# Real chambers (or their main city), one word each: the segmenter reads longer names differently, so a copy
# would not name its chamber one way ("La Spezia": "La" is no name word; "REGGIO EMILIA" → "Reggio emilia"; a merged
# "TERNI - LATINA - REGGIO EMILIA" has more than five words and is not read as a chamber; "Como-Lecco" has a hyphen,
# which the segmenter reads as a merger).
CHAMBER_POOL = (
    "Bergamo", "Varese", "Lodi", "Sondrio", "Lecco", "Piacenza", "Parma", "Modena",
    "Verona", "Vicenza", "Padova", "Treviso", "Udine", "Trento", "Bolzano", "Genova", "Lucca", "Pisa", "Livorno",
    "Arezzo", "Siena", "Ferrara", "Rovigo", "Venezia", "Belluno", "Pordenone", "Torino", "Cuneo", "Novara", "Biella",
    "Vercelli", "Alessandria", "Ravenna", "Rimini", "Bologna", "Firenze", "Pistoia", "Grosseto", "Perugia", "Terni",
    "Ancona", "Savona", "Imperia", "Trieste", "Gorizia", "Frosinone", "Latina", "Salerno", "Asti", "Teramo",
)
YEARS_COVERED = 10

_MONTHS = "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
# One pass over the text; the alternatives are tried in this order at each position.
_YEAR_RE = re.compile(
    r"(?=\d)(?:"  # every alternative starts with a digit: skip other positions at once
    r"(?P<split>\b\d{1,2}/\d{1,2}/20\d[ \t]*\r?\n\s*\d)(?!\d)"          # "12/12/201" ⏎ "9": a date cut by a line break
    rf"|(?P<range>(?<![\w,])20[0-3]\d-\d\d)(?![\w])(?!\s+(?:{_MONTHS}))"  # "2017-19" (not "2024-31 dicembre")
    r"|(?P<short>(?<![\d/.])\d{1,2}/\d{1,2}/\d\d)(?![\d/])"              # "31/12/13"
    r"|(?P<year>(?:(?<=[Aa]nno)|(?<![\w,]))20[0-3]\d)(?!\d|,\d)"        # 2020, 2020_01_02, 31.12.2024, Anno2018
    r")"
)
# A printed value: thousands-grouped, Italian decimal or integer, not glued to a word, a code, a date or a ratio.
_VALUE_RE = re.compile(
    r"(?=\d)(?<![\w.,/:])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+)(?!\w|[.,/:]\d)(?P<pct>[ \t]?%)?")
_EURO_BEFORE = re.compile(r"€\s*$")
_LOOKS_LIKE_YEAR = re.compile(r"(?:19|20)\d\d")
_MASSA_CARRARA = re.compile(r"\b(MASSA|Massa)(\s*[-–]\s*|\s+)(CARRARA|Carrara)\b")


@dataclass(frozen=True)
class CopyPlan:
    """How one copy differs from its original."""

    names: dict[str, str] = field(default_factory=dict)  # original chamber → new chamber
    year_offset: int = 0
    value_seed: str = ""  # empty: values unchanged


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I) is not None


def available_names(text: str) -> list[str]:
    """The pool without the names the original mentions already, so a copy names each chamber one way only."""
    return [n for n in CHAMBER_POOL if not _mentions(text, n)]


def plan_for(stem: str, k: int, pool: list[str], salt: str = "") -> CopyPlan:
    """The deterministic plan of copy k of a document: seeded by its stem and k (and a salt for a re-generation)."""
    seed = f"{stem}:{k}:{salt}"
    start = _stable_int(seed + ":names")
    # 7 apart in the pool: five distinct names while the pool holds more than 28
    chosen = [pool[(start + i * 7) % len(pool)] for i in range(len(ORIGINAL_CHAMBERS))]
    return CopyPlan(dict(zip(ORIGINAL_CHAMBERS, chosen, strict=True)), -(k % YEARS_COVERED), seed + ":values")


def _stable_int(text: str) -> int:
    """A hash that does not change between runs (str hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


# --- chamber names -------------------------------------------------------------------------------------------------

def _in_case_of(word: str, name: str) -> str:
    if word.isupper():
        return name.upper()
    if word.islower():
        return name.lower()
    return name


def replace_chambers(text: str, names: dict[str, str]) -> str:
    if not names:
        return text
    massa = names.get("Massa-Carrara", "Massa-Carrara")

    def compound(m: re.Match[str]) -> str:
        # keep the line breaks of "Massa-⏎⏎Carrara" so line numbers do not move
        return _in_case_of(m.group(1), massa) + "\n" * m.group(2).count("\n")

    text = _MASSA_CARRARA.sub(compound, text)
    words = {w: names.get(w, w) for w in ORIGINAL_CHAMBERS if "-" not in w}
    words |= {"Massa": massa, "Carrara": massa}
    forms = {}
    for word, new in words.items():
        for variant in (word, word.upper(), word.lower()):
            forms[variant] = _in_case_of(variant, new)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, forms)) + r")(?!\w)")
    return pattern.sub(lambda m: forms[m.group(1)], text)


# --- years ---------------------------------------------------------------------------------------------------------

def _shift_split(raw: str, offset: int) -> str:
    m = re.fullmatch(r"(\d{1,2}/\d{1,2}/)(20\d)(\s+)(\d)", raw)
    assert m is not None
    year = str(int(m.group(2) + m.group(4)) + offset)
    return f"{m.group(1)}{year[:3]}{m.group(3)}{year[3]}"


def _shift_range(raw: str, offset: int) -> str:
    start, end = raw.split("-")
    return f"{int(start) + offset}-{(int(end) + offset) % 100:02d}"


def _shift_short(raw: str, offset: int) -> str:
    day_month, _, yy = raw.rpartition("/")
    return f"{day_month}/{(int(yy) + offset) % 100:02d}"


def shift_years(text: str, offset: int) -> str:
    if offset == 0:
        return text

    def shift(m: re.Match[str]) -> str:
        kind, raw = m.lastgroup, m.group(0)
        if kind == "split":
            return _shift_split(raw, offset)
        if kind == "range":
            return _shift_range(raw, offset)
        if kind == "short":
            return _shift_short(raw, offset)
        return str(int(raw) + offset)

    return _YEAR_RE.sub(shift, text)


# --- values --------------------------------------------------------------------------------------------------------

def perturb_number(raw: str, seed: str) -> str:
    """"97,78" → "91,04", "1.865.646,87" → "1.712.330,15", "80" → "74": ±15%, same digits, decimals and grouping.

    0 and 100 are kept (nothing and full achievement); all-zero decimals stay zero ("2,00" → "2,00" or "1,00").
    """
    int_part, comma, decimals = raw.partition(",")
    digits = int_part.replace(".", "")
    if int(digits + decimals or "0") == 0 or (int(digits) == 100 and not decimals.strip("0")):
        return raw
    scaled_decimals = bool(decimals.strip("0"))
    body = digits + decimals if scaled_decimals else digits
    new = _scaled(int(body), len(body.lstrip("0")) or 1, _stable_int(seed + "|" + raw))
    text = str(new).zfill(len(body))
    new_int, new_dec = (text[:len(digits)], text[len(digits):]) if scaled_decimals else (text, decimals)
    if "." in int_part:
        new_int = f"{int(new_int):,}".replace(",", ".")
    return new_int + comma + new_dec


def _scaled(value: int, width: int, noise: int) -> int:
    """value × (0.85..1.15), kept to `width` significant digits and different from value."""
    factor = 0.85 + (noise % 3001) / 10000
    lo, hi = (10 ** (width - 1) if width > 1 else 1), 10 ** width - 1
    new = min(max(round(value * factor), lo), hi)
    if new == value:
        new = value + 1 if value < hi else value - 1
    return new


def perturb_values(text: str, seed: str) -> str:
    """Every value changed the same way wherever it is printed, so restated values still agree."""
    if not seed:
        return text
    memo: dict[str, str] = {}

    def change(m: re.Match[str]) -> str:
        raw = m.group("num")
        is_value = "." in raw or "," in raw or m.group("pct") or _EURO_BEFORE.search(text, max(0, m.start() - 4),
                                                                                    m.start())
        if not is_value or _LOOKS_LIKE_YEAR.fullmatch(raw):  # "Dipendenti 2019 % Dipendenti 2018 %": a header
            return m.group(0)
        if raw not in memo:
            memo[raw] = perturb_number(raw, seed)
        return memo[raw] + (m.group("pct") or "")

    return _VALUE_RE.sub(change, text)


def alter(text: str, plan: CopyPlan) -> str:
    # the value pass skips year-like numbers ("Dipendenti 2019 %"), so a shifted year is never perturbed as well
    return perturb_values(shift_years(replace_chambers(text, plan.names), plan.year_offset), plan.value_seed)


# --- corpus --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Generated:
    path: Path
    original: Path
    plan: CopyPlan | None  # None for an original copied unchanged


def copy_name(original: Path, k: int) -> str:
    return f"{original.stem}_c{k}{original.suffix}"


def generate(scale: int, out: Path, source: Path = SOURCE_DIR) -> list[Generated]:
    """Write out/raw/ with the originals and their scale-1 altered copies each; returns what was written."""
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    generated: list[Generated] = []
    for original in sorted(source.glob("*.txt")):
        data = original.read_bytes()
        (raw / original.name).write_bytes(data)
        generated.append(Generated(raw / original.name, original, None))
        text = data.decode("utf-8")
        pool = available_names(text)
        for k in range(1, scale):
            plan = plan_for(original.stem, k, pool)
            path = raw / copy_name(original, k)
            path.write_bytes(alter(text, plan).encode("utf-8"))
            generated.append(Generated(path, original, plan))
    return generated


def rewrite_one(path: Path, salt: str) -> CopyPlan:
    """Change one document in place (values only, another seed): the benchmark's one-document change."""
    plan = CopyPlan(value_seed=f"{path.stem}:{salt}:values")
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(alter(text, plan).encode("utf-8"))
    return plan


# --- check ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Extracted:
    counts: dict[str, int]
    chamber: str | None  # the document's
    year: int | None
    segments: tuple[tuple[str | None, int | None, str, str], ...]  # chamber, year, layout, role of each segment


def _extraction(path: Path) -> Extracted:
    from ccperf.extract.extractor import extract_file  # imported here: generating needs no pipeline import

    result = extract_file(path)
    counts = {"readings": len(result.readings), "objectives": len(result.objectives), "facts": len(result.facts),
              "quarantined": len(result.quarantined), "error": int(result.error is not None)}
    doc = result.document
    segments = tuple((s.chamber_name, s.year, s.layout, s.role) for s in result.segments)
    return Extracted(counts, doc.chamber_name if doc else None, doc.year if doc else None, segments)


def _renamed(chamber: str | None, plan: CopyPlan) -> str | None:
    """The chamber a copy should name: "Cremona-Mantova-Pavia" → the merger of the three new names."""
    if chamber is None or chamber in plan.names:
        return plan.names.get(chamber, chamber) if chamber else None
    return "-".join(plan.names.get(part, part) for part in chamber.split("-"))


def _expected(original: Extracted, plan: CopyPlan) -> Extracted:
    def year(y: int | None) -> int | None:
        return y + plan.year_offset if y else None

    segments = tuple((_renamed(c, plan), year(y), layout, role) for c, y, layout, role in original.segments)
    return Extracted(original.counts, _renamed(original.chamber, plan), year(original.year), segments)


def _differences(want: Extracted, got: Extracted) -> list[str]:
    out = [f"{key} {want.counts[key]}→{got.counts[key]}" for key in want.counts if got.counts[key] != want.counts[key]]
    if (got.chamber, got.year) != (want.chamber, want.year):
        out.append(f"document read as {got.chamber} {got.year}, expected {want.chamber} {want.year}")
    if got.segments != want.segments:
        out.append(f"segments {got.segments}, expected {want.segments}")
    return out


def check(generated: list[Generated], echo: Callable[[str], None] = print) -> list[str]:
    """Mismatches between each copy's extraction and its original's (counts, chamber and year, segments)."""
    originals = {g.original: _extraction(g.path) for g in generated if g.plan is None}
    problems = [f"{g.path.name}: the original itself quarantines {n} block(s)"
                for g in generated if g.plan is None and (n := originals[g.original].counts["quarantined"])]
    for g in generated:
        if g.plan is not None:
            diff = _differences(_expected(originals[g.original], g.plan), _extraction(g.path))
            problems += [f"{g.path.name}: {d}" for d in diff]
    for problem in problems:
        echo(problem)
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True, help="N: 5·N documents (1 = the originals)")
    parser.add_argument("--out", type=Path, required=True, help="folder receiving raw/")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="folder of the original documents")
    parser.add_argument("--check", action="store_true", help="extract every file and compare with its original")
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    existing = list((args.out / "raw").glob("*.txt"))
    if existing:
        parser.error(f"{args.out / 'raw'} already holds {len(existing)} documents; use an empty folder")
    generated = generate(args.scale, args.out, args.source)
    total = sum(g.path.stat().st_size for g in generated)
    print(f"{len(generated)} files, {total / 1e6:.1f} MB in {args.out / 'raw'}")
    if args.check:
        problems = check(generated)
        print(f"check: {len(problems)} mismatch(es) in {len(generated)} files")
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
