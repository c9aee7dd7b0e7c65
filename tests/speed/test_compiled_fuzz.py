"""Fuzzing the compiled reader against the pure-Python one: any mutation of a pcap or pcapng
file gives the same report (or the same refusal) through both paths, and never a crash.

Budgets come from the hypothesis profile (tests/conftest.py): `default` in the normal suite,
`long` under `make fuzz`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from bundled import report
from hypothesis import given
from hypothesis import strategies as st
from test_compiled_identity import demo_records, pcap_file, pcapng_file

from scanner.errors import CaptureFormatError
from scanner.sources import fast

RECORDS = demo_records()[:60]
SEEDS = (pcap_file(RECORDS), pcap_file(RECORDS, ">", nano=True), pcapng_file(RECORDS),
         pcapng_file(RECORDS, ">"))  # fmt: skip
_SCRATCH = Path(tempfile.mkdtemp(prefix="camscan-fuzz-compiled-"))

pytestmark = pytest.mark.skipif(fast._compiled is None, reason="compiled reader not built")  # noqa: SLF001


def outcome(path: Path, pure: bool) -> str:
    try:
        return report([path], pure)
    except CaptureFormatError as exc:
        return f"refused: {exc}"


@given(
    seed=st.sampled_from(range(len(SEEDS))),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(24, 10**6)),
)
def test_fuzz_compiled_and_pure_python_readers_agree(
    seed: int, edits: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(SEEDS[seed])
    for at, value in edits:
        data[at % len(data)] = value
    if cut is not None:
        del data[cut % len(data) :]
    path = _SCRATCH / ("f.pcapng" if seed >= 2 else "f.pcap")
    path.write_bytes(bytes(data))
    assert outcome(path, False) == outcome(path, True)
