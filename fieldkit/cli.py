"""The `fieldkit` command (placeholder until the CLI lands)."""

import sys


def main(argv=None) -> int:
    print("fieldkit: under construction", file=sys.stderr)
    return 1
