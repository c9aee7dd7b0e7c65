"""Run pytest under an address-space limit (RLIMIT_AS), for the table fuzzing.

Usage: python tests/hostile/fuzz_under_limit.py [--limit-mib MIB] [PYTEST ARGS...]

Every table camscan keeps is bounded by its memory budget; the fuzz tests drive them with
arbitrary input. Should one grow without bound, the allocation past the limit fails with a
MemoryError inside this process and the run fails, instead of the machine running out of memory.
`make fuzz` runs every fuzz test this way with the long hypothesis profile; `make test` runs
fuzz_tables.py this way with the default one (tests/hostile/test_memory_limit.py).
"""

from __future__ import annotations

import resource
import sys

import pytest

LIMIT_MIB = 3072  # pytest, hypothesis and scapy need well under 1 GiB of address space


def main(args: list[str]) -> int:
    """Set the limit (--limit-mib, first), then run pytest with the rest; pytest's status."""
    limit = LIMIT_MIB
    if args[:1] == ["--limit-mib"]:
        limit, args = int(args[1]), args[2:]
    resource.setrlimit(resource.RLIMIT_AS, (limit << 20, limit << 20))
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
