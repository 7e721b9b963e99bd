"""``python -m tests.support.demo_site [--out DIR]``: regenerate the demo site (see the package docstring)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.support.demo_site import COMMITTED, build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=COMMITTED, help="folder to write (emptied first)")
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
