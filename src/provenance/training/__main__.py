"""``python -m provenance.training`` (also the ``provenance-train`` command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from provenance.errors import ProvenanceError


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, train, report; exit 2 with a one-line message on bad data."""
    parser = argparse.ArgumentParser(
        prog="provenance-train",
        description="Retrain the provenance model from labelled JSONL (taxonomy format).",
        epilog="example: provenance-train --data my_sentences/ --out my_model/ --seed 0",
    )
    parser.add_argument("--data", type=Path, action="append", help="JSONL file or directory (repeatable); default: shipped data")
    parser.add_argument("--out", type=Path, help="model directory to write; default: the package's own")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    from provenance.training import train

    try:
        train(args.data, args.out, seed=args.seed)
    except ProvenanceError as error:
        print(f"provenance-train: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
