"""The fusion rule of scanner/engine/fuse.py, one row per clause, with hand-computed numbers."""

from __future__ import annotations

import pytest

from scanner.db import load_db
from scanner.db.types import Policy, Rule
from scanner.engine.fuse import ATTRIBUTION_FLOOR, Evidence, fuse, policy_verdict
from scanner.model import Meta

# (manufacturer, signal class, weight) per evidence item
Row = tuple[str, str, float]


def evidence(maker: str, signal: str, weight: float, ts: float = 1.0, **claims: str) -> Evidence:
    rule = Rule(
        id=f"{maker}.{signal}.{weight}",
        kind=signal,
        weight=weight,
        signal=signal,
        claims={"manufacturer": maker},
        source="t",
    )
    return Evidence(rule, "v", {"manufacturer": maker, **claims}, Meta(input="t", frame=1, ts=ts))


@pytest.mark.parametrize(
    ("items", "manufacturer", "confidence", "rivals"),
    [
        # the floor: a lone request path (0.25) names nobody; 0.3 itself is enough
        pytest.param([("hikvision", "rtsp_request", 0.25)], None, 0.0, {}, id="request-path"),
        pytest.param([("dahua", "http_title", 0.3)], "dahua", 0.3, {}, id="at-the-floor"),
        pytest.param([("dahua", "http_title", 0.29)], None, 0.0, {}, id="just-below"),
        # noisy-OR across classes: 1 - 0.75 * 0.75
        pytest.param(
            [("hikvision", "rtsp_request", 0.25), ("hikvision", "http_request", 0.25)],
            "hikvision",
            0.438,
            {},
            id="two-classes-add-up",
        ),
        # one class counts once, with its strongest item
        pytest.param(
            [("hikvision", "http", 0.25), ("hikvision", "http", 0.25)],
            None,
            0.0,
            {},
            id="one-class-counts-once",
        ),
        pytest.param(
            [("hikvision", "http", 0.6), ("hikvision", "http", 0.8)],
            "hikvision",
            0.8,
            {},
            id="strongest-of-a-class",
        ),
        pytest.param(
            [("hikvision", "http", 0.8), ("hikvision", "sdk", 0.85)],
            "hikvision",
            0.97,
            {},
            id="noisy-or",
        ),
        # the runner-up discount: the winner loses half the runner-up's confidence
        pytest.param(
            [("hikvision", "http", 0.8), ("dahua", "sdk", 0.6)],
            "hikvision",
            0.56,
            {"dahua": 0.6},
            id="runner-up-discount",
        ),
        pytest.param(
            [("hikvision", "http", 0.9), ("dahua", "sdk", 0.2), ("axis", "tls", 0.1)],
            "hikvision",
            0.81,
            {"dahua": 0.2, "axis": 0.1},
            id="only-the-runner-up-discounts",
        ),
        pytest.param(
            [("hikvision", "http", 0.5), ("dahua", "sdk", 0.5)],
            "dahua",
            0.375,
            {"hikvision": 0.5},
            id="a-tie-goes-to-the-first-name",
        ),
        # a rival below the floor still discounts; a lone rival pair below it names nobody
        pytest.param(
            [("hikvision", "http", 0.3), ("dahua", "sdk", 0.25)],
            "hikvision",
            0.263,
            {"dahua": 0.25},
            id="weak-rival-discounts",
        ),
        pytest.param(
            [("hikvision", "http", 0.25), ("dahua", "sdk", 0.25)],
            None,
            0.0,
            {},
            id="two-weak-makers",
        ),
        # weight 0 claims identity only, never a manufacturer
        pytest.param([("hikvision", "model", 0.0)], None, 0.0, {}, id="weight-zero"),
    ],
)
def test_fusion_rule(
    items: list[Row], manufacturer: str | None, confidence: float, rivals: dict[str, float]
) -> None:
    verdict = fuse([evidence(*row) for row in items])
    assert (verdict.manufacturer, verdict.confidence) == (manufacturer, confidence)
    assert verdict.rivals == pytest.approx(rivals)


def test_request_paths_weigh_just_below_the_attribution_floor() -> None:
    # fuse.py: a receiver's request path only corroborates; the packaged rules keep it so
    db = load_db()
    paths = [r for kind in ("rtsp_request", "http_request") for r in db.rules(kind)]
    assert paths
    assert {r.about for r in paths} == {"receiver"}
    assert all(0.2 < r.weight < ATTRIBUTION_FLOOR for r in paths), [(r.id, r.weight) for r in paths]


def test_identity_fields_come_from_the_heaviest_item_agreeing_with_the_winner() -> None:
    items = [
        evidence("hikvision", "http", 0.6, ts=1.0, model="FROM-HTTP", serial="S-HTTP"),
        evidence("hikvision", "sadp", 0.9, ts=2.0, model="FROM-SADP"),
        evidence("dahua", "dhip", 0.95, ts=0.5, model="RIVAL", firmware="R-FW"),
        evidence("hikvision", "tls", 0.9, ts=3.0, model="LATER-TIE"),
    ]
    verdict = fuse(items)
    assert verdict.manufacturer == "hikvision"
    assert verdict.fields == {"model": "FROM-SADP", "serial": "S-HTTP"}


def test_identity_fields_without_a_winner_come_from_items_claiming_no_maker() -> None:
    plain = Evidence(
        Rule(id="m", kind="model", weight=0.0, signal="model", claims={}, source="t"),
        "v",
        {"model": "PLAIN"},
        Meta(input="t", frame=1, ts=1.0),
    )
    verdict = fuse([evidence("hikvision", "http", 0.1, model="CLAIMED"), plain])
    assert (verdict.manufacturer, verdict.fields) == (None, {"model": "PLAIN"})


POLICY = Policy(
    name="p",
    description="",
    manufacturers=frozenset({"hikvision"}),
    brands=frozenset({"annke"}),
    min_confidence=0.5,
)


@pytest.mark.parametrize(
    ("manufacturer", "brand", "confidence", "status"),
    [
        ("hikvision", None, 0.5, "concern"),  # the policy's threshold is inclusive
        ("hikvision", None, 0.49, "suspect"),
        (None, "annke", 0.9, "concern"),  # a listed brand alone is enough
        ("dahua", "annke", 0.9, "concern"),
        ("dahua", None, 0.99, "clear"),
        (None, None, 0.0, "clear"),
    ],
)
def test_policy_verdict(
    manufacturer: str | None, brand: str | None, confidence: float, status: str
) -> None:
    got, reason = policy_verdict(POLICY, manufacturer, brand, confidence)
    assert got == status
    assert (reason is None) == (status == "clear")
