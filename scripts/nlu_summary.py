"""Print the headline figures of a `rasa test nlu` output folder: one line per report.

Usage: python scripts/nlu_summary.py results/nlu

Rasa writes one <name>_report.json per evaluated part (intents, the FAQ response selector, each
entity extractor); the full per-label tables and the errors stay in those files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def summary_lines(folder: Path) -> list[str]:
    lines = []
    for report_path in sorted(folder.glob("*_report.json")):
        report = json.loads(report_path.read_text())
        weighted = report.get("weighted avg", {})
        macro = report.get("macro avg", {})
        accuracy = report.get("accuracy")
        parts = [f"{report_path.stem.removesuffix('_report'):<32}"]
        if accuracy is not None:
            parts.append(f"accuracy {accuracy:.3f}")
        if weighted:
            parts.append(f"weighted F1 {weighted.get('f1-score', 0):.3f}")
        if macro:
            parts.append(f"macro F1 {macro.get('f1-score', 0):.3f}")
        if "support" in weighted:
            parts.append(f"n={weighted['support']}")
        lines.append("  ".join(parts))
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    folder = Path(argv[1])
    lines = summary_lines(folder)
    if not lines:
        print(f"no *_report.json in {folder}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    print(f"(details and misclassified examples: {folder}/)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
