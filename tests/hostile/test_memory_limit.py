"""The table fuzzing of fuzz_tables.py, run as `make test` runs it: in a subprocess whose address
space is capped (fuzz_under_limit.py), so a table without a bound fails the test, not the machine.

`make fuzz` runs the same module with the long hypothesis profile under the same harness.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "fuzz_under_limit.py"
LIMIT_MIB = 512  # the fast run peaks near 125 MiB of address space
TIMEOUT = 600  # seconds


def under_limit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """pytest ARGS under the harness at LIMIT_MIB, output captured."""
    harness = [sys.executable, str(HARNESS), "--limit-mib", str(LIMIT_MIB)]
    return subprocess.run(
        [*harness, "-p", "no:cacheprovider", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_tables_hold_random_input_under_an_address_space_limit() -> None:
    proc = under_limit(HERE / "fuzz_tables.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 passed" in proc.stdout


def test_a_table_without_a_bound_ends_the_run_not_the_machine(tmp_path: Path) -> None:
    # What the harness is for: a table that keeps every item it is given meets the limit as a
    # MemoryError in the test process, long before it could take the machine's memory.
    unbounded = tmp_path / "test_unbounded.py"
    unbounded.write_text(
        "def test_keeps_everything() -> None:\n"
        "    table = {}\n"
        "    for n in range(10**9):\n"
        "        table[n] = bytes(4096)\n",
        encoding="ascii",
    )
    proc = under_limit(unbounded)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "E   MemoryError" in proc.stdout
    assert "FAILED " in proc.stdout and "test_unbounded.py::test_keeps_everything" in proc.stdout
