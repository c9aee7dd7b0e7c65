"""Fusing one device's evidence into a verdict: manufacturer, identity fields and confidence.

The rule, stated once:
- Evidence is grouped by signal class (oui, sadp, dhip, sdk, http, rtsp, tls, wsd, cloud, p2p, ...).
  Within a class only the strongest item counts, so a camera that answers the same probe a hundred
  times is no surer than one that answered once.
- For each manufacturer claimed, confidence = 1 - prod(1 - w) over its classes (noisy-OR): several
  independent signals add up, and no number of weak ones reaches certainty.
- The manufacturer with the highest confidence wins, if it reaches ATTRIBUTION_FLOOR: below that
  (a lone `location/country/china` scope, say) the device is left unattributed.
- When another manufacturer is also claimed, the winner's confidence is discounted by half the
  runner-up's, and both stay in the evidence.
- Identity fields (model, firmware, serial, brand, kind) come from the heaviest item that claims
  them and does not contradict the winner; ties go to the earliest.

How rule weights are set (vendor_db/fingerprints/*.toml). Each rule is measured on the real-world
corpus (tests/realworld; `python tests/realworld/calibrate.py` prints, per rule, the family and
other-maker items and independent sources it fires on):
- 0.9-0.95: the reply names the maker in a field meant for it (a Manufacturer field, an SDP
  session name, a namespace on the maker's domain, a certificate issuer) or is a discovery reply
  only the maker's firmware sends (SADP, DHIP).
- 0.75-0.85: a structure only this maker's firmware produces, seen in three or more independent
  sources and never on another maker's item (ISAPI namespaces, answers to /ISAPI/ or Dahua's CGIs).
- 0.6: the same, seen in two independent sources.
- 0.45: seen in one source only, or a generic-looking token: alone it makes a suspect, never a
  device of concern, so a second signal must agree.
- 0.25 and below: fires on other makers too (clones copy Hikvision's stream header and ONVIF
  extension namespaces to work with its recorders): below ATTRIBUTION_FLOOR, it only corroborates.
A rule that claims a listed maker and fires on any other maker's corpus item is wrong and is fixed
or dropped; the corpus's held-out sources (its README) measure whether the scheme generalises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from scanner.db.types import Policy, Rule
from scanner.model import Meta

IDENTITY_FIELDS = (
    "brand", "kind", "model", "firmware", "serial", "analog_channels", "digital_channels",
)  # fmt: skip
ATTRIBUTION_FLOOR = 0.3


@dataclass(slots=True)
class Evidence:
    """One rule match about one subject; repeats of the same (rule, value) only bump `count`."""

    rule: Rule
    value: str
    claims: dict[str, str]
    meta: Meta
    truncated: bool = False
    count: int = 1
    last: float | None = None  # when the latest repeat was seen (None: never repeated)

    @property
    def weight(self) -> float:
        """The rule's weight."""
        return self.rule.weight


@dataclass(slots=True)
class Verdict:
    """What the evidence says about a device."""

    manufacturer: str | None = None
    confidence: float = 0.0
    fields: dict[str, str] = field(default_factory=dict)
    rivals: dict[str, float] = field(default_factory=dict)  # the other makers' scores


def manufacturer_scores(items: Iterable[Evidence]) -> dict[str, float]:
    """Noisy-OR confidence per claimed manufacturer, strongest item per signal class."""
    best: dict[str, dict[str, float]] = {}
    for ev in items:
        maker = ev.claims.get("manufacturer")
        if not maker or ev.weight <= 0:
            continue
        per_signal = best.setdefault(maker, {})
        per_signal[ev.rule.signal] = max(per_signal.get(ev.rule.signal, 0.0), ev.weight)
    scores = {}
    for maker, per_signal in best.items():
        doubt = 1.0
        for w in per_signal.values():
            doubt *= 1.0 - w
        scores[maker] = 1.0 - doubt
    return scores


def fuse(items: list[Evidence]) -> Verdict:
    """Apply the module's rule to a device's evidence."""
    scores = manufacturer_scores(items)
    verdict = Verdict()
    if scores and max(scores.values()) >= ATTRIBUTION_FLOOR:
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        verdict.manufacturer, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        verdict.confidence = round(top * (1.0 - runner_up / 2.0), 3)
        verdict.rivals = dict(ranked[1:])
    ordered = sorted(items, key=lambda ev: (-ev.weight, ev.meta.ts, ev.meta.frame))
    for name in IDENTITY_FIELDS:
        for ev in ordered:
            maker = ev.claims.get("manufacturer")
            if maker and maker != verdict.manufacturer:
                continue
            if ev.claims.get(name):
                verdict.fields[name] = ev.claims[name]
                break
    return verdict


def policy_verdict(
    policy: Policy, manufacturer: str | None, brand: str | None, confidence: float
) -> tuple[str, str | None]:
    """("concern" | "suspect" | "clear", reason) under `policy`."""
    listed = None
    if manufacturer and manufacturer in policy.manufacturers:
        listed = f"manufacturer {manufacturer}"
    elif brand and brand in policy.brands:
        listed = f"brand {brand}"
    if listed is None:
        return "clear", None
    if confidence >= policy.min_confidence:
        return "concern", f"{listed} is listed by policy '{policy.name}'"
    return "suspect", (
        f"{listed} is listed by policy '{policy.name}', but the evidence is weak "
        f"(confidence {confidence:.2f} < {policy.min_confidence:.2f}): confirm on site"
    )
