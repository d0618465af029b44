"""Build fixtures/01_regions.json and fixtures/02_industries.json from the data files here.

    python -m tools.reference.build           # writes the two fixtures
    python -m tools.reference.build --check   # exits 1 when a fixture differs from the data

The data files, and where each comes from, are described in ``fixtures/README.md``.
"""

import argparse
import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "fixtures"
REGIONS_FIXTURE = FIXTURES / "01_regions.json"
INDUSTRIES_FIXTURE = FIXTURES / "02_industries.json"

# The standard writes brackets full width; the transcribed source mixes in ASCII ones.
BRACKETS = str.maketrans({"(": "（", ")": "）"})


def _data_lines(name: str):
    with (HERE / name).open(encoding="utf-8") as stream:
        for line in stream:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line


def _tsv(name: str) -> list[list[str]]:
    return [line.split("\t") for line in _data_lines(name)]


def industry_records() -> list[dict]:
    """Every GB/T 4754 category: sections first, then the tree depth first, by code."""
    names = {}
    for line in _data_lines("gbt4754_2017.txt"):
        code, name = line.split(" ", 1)
        names[code] = name.strip().translate(BRACKETS)
    for code, name in list(names.items()):
        # A group with a single class is printed on the class's line in the standard.
        if len(code) == 4 and code[:3] not in names:
            names[code[:3]] = name
    english = dict(_tsv("gbt4754_2017_en.tsv"))

    section_of, section = {}, None
    for code in names:  # the source's order: each section precedes its divisions
        if code.isalpha():
            section = code
        elif len(code) == 2:
            section_of[code] = section

    def record(code: str) -> dict:
        if code.isalpha():
            level, parent = "section", None
        else:
            level = {2: "division", 3: "group", 4: "class"}[len(code)]
            parent = section_of[code] if len(code) == 2 else code[:-1]
        return {
            "model": "enterprises.industry",
            "fields": {
                "code": code,
                "name": names[code],
                "name_en": english.get(code, ""),
                "level": level,
                "parent": [parent] if parent else None,
            },
        }

    sections = sorted(code for code in names if code.isalpha())
    tree = sorted(code for code in names if code.isdigit())
    return [record(code) for code in sections + tree]


def _county_level(name: str) -> str:
    if name.endswith("区"):
        return "district"
    if name.endswith("县"):
        return "county"
    if name.endswith("市"):
        return "county_city"
    raise ValueError(f"no county-level kind for {name}")


def region_records() -> list[dict]:
    """Zhejiang, its cities, their county-level units and the local development zones."""
    english = dict(_tsv("zhejiang_en.tsv"))
    rows = []
    for fields in csv.reader(_data_lines("gbt2260_zhejiang.csv")):
        code, name = fields[0], fields[1]
        # The package shortens codes: 33 (province), 3301 (city), 330102 (county level).
        full = code.ljust(6, "0")
        if len(code) == 2:
            level, parent = "province", None
        elif len(code) == 4:
            level, parent = "city", fields[2].ljust(6, "0")
        else:
            level, parent = _county_level(name), fields[2].ljust(6, "0")
        rows.append((full, name, level, parent, True))
    for code, name, _english, parent in _tsv("zhejiang_zones.tsv"):
        rows.append((code, name, "zone", parent, False))
    english.update({code: name_en for code, _name, name_en, _parent in _tsv("zhejiang_zones.tsv")})

    order = {"province": 0, "city": 1}
    # Parents before children: the province, the cities, then each city's units, zones last.
    rows.sort(key=lambda row: (order.get(row[2], 2), row[3] or "", row[2] == "zone", row[0]))
    return [
        {
            "model": "enterprises.region",
            "fields": {
                "code": code,
                "name": name,
                "name_en": english.get(code, ""),
                "level": level,
                "parent": [parent] if parent else None,
                "is_statistical_code": statistical,
            },
        }
        for code, name, level, parent, statistical in rows
    ]


def render(records: list[dict]) -> str:
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for path, records in (
        (REGIONS_FIXTURE, region_records()),
        (INDUSTRIES_FIXTURE, industry_records()),
    ):
        text = render(records)
        if args.check:
            if path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("Out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
