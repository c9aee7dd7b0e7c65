"""How often each fingerprint fires on the real-world corpus, family and other makers apart.

    python tests/realworld/calibrate.py

One line per rule that fired: its weight, the family items and independent sources it fired on,
and the other makers' items and sources. A rule claiming a listed maker that fires on any other
maker's item is wrong (exit 1); the weights follow the scheme written in scanner/engine/fuse.py.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import replay  # noqa: E402

from scanner.engine.fuse import ATTRIBUTION_FLOOR  # noqa: E402

LISTED = ("hikvision.", "dahua.")


def main() -> int:
    """Print the per-rule table; 1 when a rule claiming a listed maker fires on another maker."""
    fired: dict[str, dict[bool, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    weights: dict[str, float] = {}
    for outcome in replay.run():
        item = outcome.placed.item
        if not replay.scored(item):
            continue
        for rule, weight in outcome.rules:
            weights[rule] = weight
            fired[rule][bool(item.family)].add((item.source, item.id))
    wrong = 0
    print(f"{'rule':56} {'weight':>6}  {'family items/sources':>20}  {'other items/sources':>19}")
    for rule in sorted(fired, key=lambda r: (-weights[r], r)):
        fam, oth = fired[rule][True], fired[rule][False]
        fam_src, oth_src = len({s for s, _ in fam}), len({s for s, _ in oth})
        counts = f"{len(fam):>11}/{fam_src:<8}  {len(oth):>10}/{oth_src:<8}"
        print(f"{rule:56} {weights[rule]:6.2f}  {counts}")
        wrong += bool(oth) and rule.startswith(LISTED) and weights[rule] >= ATTRIBUTION_FLOOR
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
