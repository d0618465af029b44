"""The summary of a mutation run (``make mutation``): the counts per module and the kill
rate on the console, and the surviving mutants with their diffs in a file.

    .venv/bin/python tools/mutation/summary.py [--seconds N] [--output DIR]

Reads what ``mutmut run`` left in ``mutants/``; run it from the project's root.
``--seconds`` is the run's wall-clock time, printed with the counts. Writes
``DIR/survivors.txt`` and ``DIR/summary.json`` (DIR defaults to ``artifacts/mutation``).
"""

import argparse
import ast
import json
import re
import sys
from collections import Counter
from pathlib import Path

from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files

COLUMNS = ("killed", "survived", "timeout", "other", "not checked")


def status(exit_code) -> str:
    name = status_by_exit_code[exit_code]
    return name if name in COLUMNS else "other"


def function_span(source: str, name: str) -> tuple[int, int] | None:
    """The first and last line of ``def name`` (a function or a method) in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return node.lineno, node.end_lineno
    return None


def changed_line(path: Path, mutant: str, diff: str) -> int | None:
    """The source line the mutant changes, found by the diff's lines before and at the
    change; None when the source no longer reads as it did when it was mutated."""
    name = re.sub(r"__mutmut_\d+$", "", mutant.rsplit(".", 1)[-1]).split("ǁ")[-1]
    name = name.removeprefix("x_")
    source = path.read_text(encoding="utf-8")
    span = function_span(source, name)
    if span is None:
        return None
    before: list[str] = []
    for line in diff.splitlines()[3:]:
        if line.startswith("-"):
            before.append(line[1:].strip())
            break
        if not line.startswith("+"):
            before.append(line[1:].strip())
    lines = [line.strip() for line in source.splitlines()]
    first, last = span
    # The diff's context may begin above the ``def`` (blank lines, comments).
    found = [
        changed
        for changed in range(first, last + 1)
        if changed >= len(before) and lines[changed - len(before) : changed] == before
    ]
    return found[0] if len(found) == 1 else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, help="the run's wall-clock time")
    parser.add_argument("--output", type=Path, default=Path("artifacts/mutation"))
    args = parser.parse_args()

    counts: dict[str, Counter] = {}
    survivors: list[tuple[str, str, str]] = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        if not data.exit_code_by_key:
            continue
        counts[str(path)] = Counter(status(code) for code in data.exit_code_by_key.values())
        for mutant, code in data.exit_code_by_key.items():
            if status(code) == "survived":
                diff = get_diff_for_mutant(mutant, path=path)
                line = changed_line(Path(path), mutant, diff)
                survivors.append((f"{path}:{line}" if line else str(path), mutant, diff))
    if not counts:
        print("No mutation results under mutants/: run `make mutation` first.", file=sys.stderr)
        return 1

    total = sum(counts.values(), Counter())
    mutants = sum(total.values())
    checked = mutants - total["not checked"]
    rate = total["killed"] / checked if checked else 0.0

    width = max(len(name) for name in [*counts, "total"])
    header = f"{'module':<{width}}  {'mutants':>7}" + "".join(f"  {c:>11}" for c in COLUMNS)
    print()
    print(header)
    for name, count in [*counts.items(), ("total", total)]:
        cells = "".join(f"  {count[c]:>11}" for c in COLUMNS)
        print(f"{name:<{width}}  {sum(count.values()):>7}{cells}")
    print()
    print(
        f"Mutants: {mutants}  killed: {total['killed']}  survived: {total['survived']}  "
        f"timeouts: {total['timeout']}"
    )
    print(
        f"Kill rate: {rate:.1%} (killed of the {checked} mutants checked; a timeout is not a kill)"
    )
    if args.seconds is not None:
        print(f"Runtime: {args.seconds // 60} min {args.seconds % 60} s")

    args.output.mkdir(parents=True, exist_ok=True)
    report = args.output / "survivors.txt"
    with report.open("w", encoding="utf-8") as out:
        out.write(
            f"{len(survivors)} surviving mutants of {mutants} "
            f"(kill rate {rate:.1%}). `mutmut show NAME` prints one again.\n"
        )
        for where, mutant, diff in survivors:
            out.write(f"\n## {mutant}  ({where})\n{diff}\n")
    summary = {
        "modules": {name: dict(count) for name, count in counts.items()},
        "mutants": mutants,
        **{column: total[column] for column in COLUMNS},
        "kill_rate": round(rate, 4),
        "seconds": args.seconds,
        "survivors": [mutant for _, mutant, _ in survivors],
    }
    (args.output / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"Surviving mutants with their diffs: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
