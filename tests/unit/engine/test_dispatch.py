"""The per-frame dispatcher on frames cut short (regressions found by fuzzing)."""

from __future__ import annotations

from scanner.engine.dispatch import Dispatcher
from scanner.engine.hosts import Sightings, resolve
from scanner.model import Observation

# Ethernet (dst ff.., src b0:83:fe:2d:19:01, type 0800) + the first 14 bytes of an IPv4 header:
# the capture's snap length cut the frame inside the source address.
CUT_IPV4 = bytes.fromhex("ffffffffffff b083fe2d1901 0800 4500003c56b80000801122 47c0a8")
CUT_IPV6 = bytes.fromhex("333300000001 b083fe2d1901 86dd 6000000000081101 fe80")


def test_frame_cut_inside_the_ipv4_header_records_no_sighting() -> None:
    seen: list[Observation] = []
    sightings = Sightings()
    dispatcher = Dispatcher(seen.append, sightings)
    dispatcher.frame(1, 1.0, CUT_IPV4)
    dispatcher.frame(1, 1.0, CUT_IPV6)
    assert (sightings.pairs, seen, dispatcher.decode_errors) == ({}, [], 2)
    assert resolve(sightings, {}).owner == {}
