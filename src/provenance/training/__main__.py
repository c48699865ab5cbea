"""``python -m provenance.training`` (also the ``provenance-train`` command): ``provenance train``.

One implementation, so both commands take the same options and exit with the same codes.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``provenance train`` with these arguments; return its exit status."""
    from provenance.cli import run

    return int(run(["train", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    sys.exit(main())
