"""Storing one run of a site inside an open transaction: match devices, diff, update summaries.

The same statements run on SQLite (a store's own history) and PostgreSQL (the centre, where a
store's role may only touch its own site's rows). A site's rows are read in a few batched queries
so that a run costs a handful of round trips whatever the number of devices.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scanner.sweep.diff import changes, identity_keys
from scanner.sweep.store import Store

COMPLETE, PARTIAL = "complete", "partial"
NEW, RETURNED, CHANGED, UNCHANGED, REMOVED = "new", "returned", "changed", "unchanged", "removed"
# Device columns kept beside the JSON: what diffs compare and what the estate report counts.
COLUMNS = ("mac", "ips", "serial", "manufacturer", "brand", "kind", "model", "firmware", "verdict")
_LOAD = (
    "SELECT id, report_id, first_seen, last_seen, present, returns, of_concern, "
    + ", ".join(COLUMNS)
    + " FROM devices WHERE site = ?"
)


@dataclass(slots=True)
class Known:
    """A device of the site as the history knew it before this run."""

    pk: int
    report_id: str
    first_seen: str
    last_seen: str
    present: bool
    returns: int
    of_concern: bool
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Recorded:
    """What storing a run learnt: the sweep object, and history-wide seen-times by report id."""

    sweep: dict[str, Any]
    seen: Mapping[str, tuple[str, str]]
    statuses: Mapping[str, str] = field(default_factory=dict)


def now_iso() -> str:
    """The current UTC time as the reports write it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def columns_of(device: Mapping[str, Any]) -> dict[str, Any]:
    """The tracked column values of a report device (ips as JSON text)."""
    values = {name: device.get(name) for name in COLUMNS}
    values["ips"] = json.dumps(list(device.get("ips") or []))
    values["verdict"] = device.get("verdict") or (
        "concern" if device.get("of_concern") else "clear"
    )
    return values


def channels_total(device: Mapping[str, Any]) -> int | None:
    """The report's `channels.total` of a device (stated, or from its model number), if any."""
    channels = device.get("channels")
    total = channels.get("total") if isinstance(channels, Mapping) else None
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def pack(device: Mapping[str, Any]) -> bytes:
    """A sighting's device JSON, compressed (most of it is evidence text)."""
    return zlib.compress(json.dumps(device, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def unpack(data: bytes | memoryview) -> dict[str, Any]:
    """The device JSON of a stored sighting."""
    loaded: dict[str, Any] = json.loads(
        zlib.decompress(bytes(data)).decode("utf-8", "surrogatepass")
    )
    return loaded


def record_run(
    store: Store, site: str, run_id: str, findings: Mapping[str, Any], status: str
) -> Recorded | None:
    """Store one run (caller holds a transaction); None when the site already has `run_id`."""
    return _Recorder(store, site, findings, status).save(run_id)


class _Recorder:
    """The steps of storing one run."""

    def __init__(self, store: Store, site: str, findings: Mapping[str, Any], status: str) -> None:
        self.store = store
        self.site = site
        self.findings = findings
        self.run = findings["run"]
        self.partial = status == PARTIAL
        self.status = status
        self.before: tuple[int, str | None] = (0, None)

    def save(self, run_id: str) -> Recorded | None:
        site, store = self.site, self.store
        # The site row is the per-site lock at the centre (SQLite locks the whole file anyway).
        store.execute("INSERT INTO sites (site) VALUES (?) ON CONFLICT (site) DO NOTHING", (site,))
        head = store.one(
            "SELECT runs, last_run_id, of_concern, last_day FROM sites WHERE site = ?"
            + store.dialect.for_update,
            (site,),
        )
        assert head is not None
        if store.one("SELECT 1 FROM runs WHERE site = ? AND run_id = ?", (site, run_id)):
            return None
        self.before = (int(head[2]), head[3])
        known = {row[0]: _known(row) for row in store.all(_LOAD, (site,))}
        idents: dict[str, int] = dict(
            store.all("SELECT key, device FROM identities WHERE site = ?", (site,))
        )
        matched = self._match(known, idents)
        return self._write(run_id, int(head[0]) + 1, head[1], known, matched, idents)

    def _match(
        self, known: Mapping[int, Known], idents: Mapping[str, int]
    ) -> list[tuple[int | None, Mapping[str, Any]]]:
        """Each report device with the history device it is (by MAC then serial), or None."""
        taken: set[int] = set()
        out: list[tuple[int | None, Mapping[str, Any]]] = []
        for device in self.findings["devices"]:
            pk = next(
                (idents[k] for k in identity_keys(device) if idents.get(k) not in (None, *taken)),
                None,
            )
            if pk is not None and pk in known:
                taken.add(pk)
                out.append((pk, device))
            else:
                out.append((None, device))
        return out

    def _write(
        self,
        run_id: str,
        seq: int,
        previous: str | None,
        known: dict[int, Known],
        matched: list[tuple[int | None, Mapping[str, Any]]],
        idents: Mapping[str, int],
    ) -> Recorded:
        run_pk = self._insert_run(run_id, seq, previous)
        lists: dict[str, list[str]] = {NEW: [], RETURNED: [], CHANGED: []}
        all_changes: dict[str, list[dict[str, Any]]] = {}
        statuses: dict[str, str] = {}
        seen: dict[str, tuple[str, str]] = {}
        updates: list[tuple[Any, ...]] = []
        sightings: list[tuple[Any, ...]] = []
        new_keys: list[tuple[str, str, int]] = []
        seen_pks: set[int] = set()
        for pk, device in matched:
            first, last = self._span(device)
            cols = columns_of(device)
            concern = bool(device.get("of_concern"))
            if pk is None:
                pk = self._insert_device(device, first, last, cols, concern)
                status = NEW
                known[pk] = Known(pk, device["id"], first, last, True, 0, concern, cols)
                new_keys.extend((self.site, k, pk) for k in identity_keys(device))
            else:
                old = known[pk]
                diff = changes(_as_device(old.fields), device)
                if diff:
                    all_changes[device["id"]] = diff
                status = RETURNED if not old.present else CHANGED if diff else UNCHANGED
                first, last = min(first, old.first_seen), max(last, old.last_seen)
                if self.partial and _weaker(cols["verdict"], old.fields["verdict"]):
                    # a cut-short run may have missed the evidence: it never weakens a verdict
                    cols = {**old.fields, "ips": cols["ips"]}
                    concern = old.of_concern
                returns = old.returns + (status == RETURNED)
                updates.append(
                    (device["id"], first, last, returns, int(concern), channels_total(device),
                     *cols.values(), pk)
                )  # fmt: skip
                known[pk] = Known(pk, device["id"], first, last, True, returns, concern, cols)
                # only keys the site does not know yet (a serial learnt since, say)
                new_keys.extend(
                    (self.site, k, pk) for k in identity_keys(device) if k not in idents
                )
            seen_pks.add(pk)
            statuses[device["id"]] = status
            if status in lists:
                lists[status].append(device["id"])
            seen[device["id"]] = (first, last)
            # stored as the sweep report showed it: with the history-wide first and last seen
            shown = {**device, "first_seen": first, "last_seen": last}
            sightings.append((run_pk, pk, self.site, status, pack(shown)))
        removed = [] if self.partial else self._remove(known, seen_pks)
        self._flush(updates, sightings, new_keys)
        sweep = {
            "site": self.site,
            "run_id": run_id,
            "previous_run_id": previous,
            "status": self.status,
            "new": sorted(lists[NEW]),
            "returned": sorted(lists[RETURNED]),
            "changed": sorted(lists[CHANGED]),
            "removed": sorted(removed, key=lambda entry: str(entry["id"])),
            "changes": dict(sorted(all_changes.items())),
        }
        self._finish(run_pk, sweep, known)
        return Recorded(sweep, seen, statuses)

    def _span(self, device: Mapping[str, Any]) -> tuple[str, str]:
        first = device.get("first_seen") or self.run.get("started_at") or self.run["finished_at"]
        last = device.get("last_seen") or self.run["finished_at"]
        return str(first), str(last)

    def _insert_run(self, run_id: str, seq: int, previous: str | None) -> int:
        summary = self.findings["summary"]
        envelope = {k: v for k, v in self.findings.items() if k not in ("devices", "sweep")}
        row = self.store.one(
            "INSERT INTO runs (site, seq, run_id, status, started_at, finished_at, recorded_at,"
            " mode, policy, devices, of_concern, suspects, new, returned, changed, removed,"
            " present_concern, present_suspects, previous_run_id, envelope, sweep)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,0,0,0,0,0,?,?,'{}') RETURNING id",
            (
                self.site, seq, run_id, self.status, self.run.get("started_at"),
                self.run["finished_at"], now_iso(), self.run["mode"], self.run["policy"],
                int(summary["devices"]), int(summary["of_concern"]),
                int(summary.get("suspect", 0)), previous,
                json.dumps(envelope),
            ),
        )  # fmt: skip
        assert row is not None
        return int(row[0])

    def _insert_device(
        self, device: Mapping[str, Any], first: str, last: str, cols: dict[str, Any], concern: bool
    ) -> int:
        names = ", ".join(cols)
        row = self.store.one(
            f"INSERT INTO devices (site, report_id, first_seen, last_seen, present, returns,"
            f" of_concern, channels, {names})"
            f" VALUES (?, ?, ?, ?, 1, 0, ?, ?, {', '.join('?' * len(cols))}) RETURNING id",
            (
                self.site,
                device["id"],
                first,
                last,
                int(concern),
                channels_total(device),
                *cols.values(),
            ),
        )
        assert row is not None
        return int(row[0])

    def _remove(self, known: dict[int, Known], seen: set[int]) -> list[dict[str, Any]]:
        """Mark present devices this complete run did not see as removed; their report entries."""
        gone = [k for pk, k in known.items() if k.present and pk not in seen]
        when = self.run["finished_at"]
        self.store.many(
            "UPDATE devices SET present = 0, removed_at = ? WHERE id = ?",
            [(when, k.pk) for k in gone],
        )
        for k in gone:
            k.present = False
        return [_removed_entry(k) for k in gone]

    def _flush(self, updates: list[Any], sightings: list[Any], new_keys: list[Any]) -> None:
        sets = ", ".join(f"{name} = ?" for name in COLUMNS)
        self.store.many(
            "UPDATE devices SET report_id = ?, first_seen = ?, last_seen = ?, present = 1,"
            f" returns = ?, of_concern = ?, channels = COALESCE(?, channels), {sets} WHERE id = ?",
            updates,
        )
        self.store.many(
            "INSERT INTO identities (site, key, device) VALUES (?, ?, ?)"
            " ON CONFLICT (site, key) DO NOTHING",
            new_keys,
        )
        self.store.many(
            "INSERT INTO sightings (run, device, site, status, data) VALUES (?, ?, ?, ?, ?)",
            sightings,
        )

    def _finish(self, run_pk: int, sweep: Mapping[str, Any], known: Mapping[int, Known]) -> None:
        present = [k for k in known.values() if k.present]
        concern = sum(k.of_concern for k in present)
        suspects = sum(k.fields.get("verdict") == "suspect" for k in present)
        returned = sum(k.of_concern and k.returns > 0 for k in present)
        counts = [len(sweep[key]) for key in (NEW, RETURNED, CHANGED, REMOVED)]
        self.store.execute(
            "UPDATE runs SET new = ?, returned = ?, changed = ?, removed = ?,"
            " present_concern = ?, present_suspects = ?, sweep = ? WHERE id = ?",
            (*counts, concern, suspects, json.dumps(sweep), run_pk),
        )
        day = self._day(concern)
        self.store.execute(
            "UPDATE sites SET runs = runs + 1, last_run_id = ?, last_finished_at = ?,"
            " last_status = ?, last_day = ?, of_concern = ?, suspects = ?, returned = ?"
            " WHERE site = ?",
            (
                sweep["run_id"], self.run["finished_at"], self.status, day, concern, suspects,
                returned, self.site,
            ),
        )  # fmt: skip

    def _day(self, concern: int) -> str:
        """Keep the site's devices of concern at the end of the run's day, and the day's change.

        The estate burn-down is the running sum of the changes by day. A store whose clock went
        backwards is counted on its latest day, so a site's days never go back in time.
        """
        before, last_day = self.before
        day = str(self.run["finished_at"])[:10]
        if last_day is not None and day <= last_day:
            self.store.execute(
                "UPDATE site_days SET of_concern = ?, delta = delta + ? WHERE site = ? AND day = ?",
                (concern, concern - before, self.site, last_day),
            )
            return str(last_day)
        self.store.execute(
            "INSERT INTO site_days (site, day, of_concern, delta) VALUES (?, ?, ?, ?)",
            (self.site, day, concern, concern - before),
        )
        return day


VERDICT_RANK = {"clear": 0, "suspect": 1, "concern": 2}


def _weaker(verdict: str, than: str) -> bool:
    return VERDICT_RANK.get(verdict, 0) < VERDICT_RANK.get(than, 0)


def _known(row: Sequence[Any]) -> Known:
    fields = dict(zip(COLUMNS, row[7:], strict=True))
    return Known(
        int(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), int(row[5]),
        bool(row[6]), fields,
    )  # fmt: skip


def _as_device(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Stored columns back in report-device form, for comparing with a new sighting."""
    device = dict(fields)
    device["ips"] = json.loads(fields["ips"] or "[]")
    return device


def _removed_entry(known: Known) -> dict[str, Any]:
    device = _as_device(known.fields)
    return {
        "id": known.report_id,
        "mac": device.get("mac"),
        "ips": device["ips"],
        "manufacturer": device.get("manufacturer"),
        "model": device.get("model"),
        "last_seen": known.last_seen,
    }
