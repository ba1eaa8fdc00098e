"""Classifier quality benchmark: the same report as ``commentdesk eval``.

Trains the plain baseline and the model (with and without the synthetic domain examples) on the
content-hash train split of every dataset in ``--data`` and prints held-out metrics, throughput,
training time, artifact size and worker memory as Markdown::

    python -m bench.quality --data ../shared/data [--no-domain] [--json results/quality.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from classifier.quality import evaluate_all
from classifier.quality_report import render_report


def main(argv: Sequence[str] | None = None) -> int:
    """Run the quality benchmark; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument("--data", default="../shared/data", help="folder of labelled datasets")
    parser.add_argument(
        "--no-domain", action="store_true", help="skip the model trained with domain examples"
    )
    parser.add_argument("--json", help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not data.is_dir():
        print(f"bench.quality: --data {data} is not a folder", file=sys.stderr)
        return 2
    report = evaluate_all(data, with_domain=not args.no_domain)
    sys.stdout.write(render_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
