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

import orjson

from scanner.sweep.diff import TRACKED, changes, identity_keys
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
    try:
        # every device of every run is encoded: orjson takes a fifteenth of json's time here
        text = orjson.dumps(device)
    except orjson.JSONEncodeError:
        # what orjson refuses (a lone surrogate kept from undecodable bytes, a non-string key)
        text = json.dumps(device, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return zlib.compress(text)


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
    """The steps of storing one run.

    At the centre a run costs three round trips (the transaction is pipelined): lock the site and
    read its rows; insert the run and the new devices (their ids are needed next); the remaining
    writes, one multi-row statement per table, with the COMMIT.
    """

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
        # The site row is the per-site lock at the centre (SQLite locks the whole file anyway);
        # the reads queued after it run once it is held, so they see every earlier push.
        store.execute("INSERT INTO sites (site) VALUES (?) ON CONFLICT (site) DO NOTHING", (site,))
        head_q = store.execute(
            "SELECT runs, last_run_id, of_concern, last_day FROM sites WHERE site = ?"
            + store.dialect.for_update,
            (site,),
        )
        have_q = store.execute("SELECT 1 FROM runs WHERE site = ? AND run_id = ?", (site, run_id))
        known_q = store.execute(_LOAD, (site,))
        idents_q = store.execute("SELECT key, device FROM identities WHERE site = ?", (site,))
        head, have = head_q.fetchone(), have_q.fetchone()
        known = {row[0]: _known(row) for row in known_q.fetchall()}
        idents: dict[str, int] = {str(key): int(pk) for key, pk in idents_q.fetchall()}
        if have:
            return None
        assert head is not None
        self.before = (int(head[2]), head[3])
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
        plan = _Plan()
        for pk, device in matched:
            if pk is None:
                self._plan_new(plan, device)
            else:
                self._plan_known(plan, known, pk, device, idents)
        gone = [] if self.partial else self._gone(known, plan.seen_pks)
        sweep = {
            "site": self.site,
            "run_id": run_id,
            "previous_run_id": previous,
            "status": self.status,
            "new": sorted(plan.lists[NEW]),
            "returned": sorted(plan.lists[RETURNED]),
            "changed": sorted(plan.lists[CHANGED]),
            "removed": sorted((_removed_entry(k) for k in gone), key=lambda e: str(e["id"])),
            "changes": dict(sorted(plan.changes.items())),
        }
        present = [k for k in known.values() if k.present] + plan.fresh_known
        run_pk, fresh_pks = self._insert(run_id, seq, previous, sweep, present, plan.fresh)
        self._flush(run_pk, fresh_pks, plan, gone)
        self._finish(sweep, present)
        return Recorded(sweep, plan.seen, plan.statuses)

    def _plan_new(self, plan: _Plan, device: Mapping[str, Any]) -> None:
        first, last = self._span(device)
        cols = columns_of(device)
        concern = bool(device.get("of_concern"))
        plan.fresh.append(
            (self.site, device["id"], first, last, int(concern), channels_total(device),
             *cols.values())
        )  # fmt: skip
        plan.fresh_known.append(Known(0, device["id"], first, last, True, 0, concern, cols))
        plan.fresh_keys.append(identity_keys(device))
        self._saw(plan, None, device, NEW, first, last)

    def _plan_known(
        self,
        plan: _Plan,
        known: dict[int, Known],
        pk: int,
        device: Mapping[str, Any],
        idents: Mapping[str, int],
    ) -> None:
        first, last = self._span(device)
        cols = columns_of(device)
        concern = bool(device.get("of_concern"))
        old = known[pk]
        diff = (
            [] if _unchanged(old.fields, cols, device) else changes(_as_device(old.fields), device)
        )
        if diff:
            plan.changes[device["id"]] = diff
        status = RETURNED if not old.present else CHANGED if diff else UNCHANGED
        first, last = min(first, old.first_seen), max(last, old.last_seen)
        if self.partial and _weaker(cols["verdict"], old.fields["verdict"]):
            # a cut-short run may have missed the evidence: it never weakens a verdict
            cols = {**old.fields, "ips": cols["ips"]}
            concern = old.of_concern
        returns = old.returns + (status == RETURNED)
        plan.updates.append(
            (pk, device["id"], first, last, returns, int(concern), channels_total(device),
             *cols.values())
        )  # fmt: skip
        known[pk] = Known(pk, device["id"], first, last, True, returns, concern, cols)
        # only keys the site does not know yet (a serial learnt since, say)
        plan.keys.extend((self.site, k, pk) for k in identity_keys(device) if k not in idents)
        plan.seen_pks.add(pk)
        self._saw(plan, pk, device, status, first, last)

    @staticmethod
    def _saw(
        plan: _Plan, pk: int | None, device: Mapping[str, Any], status: str, first: str, last: str
    ) -> None:
        plan.statuses[device["id"]] = status
        if status in plan.lists:
            plan.lists[status].append(device["id"])
        plan.seen[device["id"]] = (first, last)
        # stored as the sweep report showed it: with the history-wide first and last seen
        shown = {**device, "first_seen": first, "last_seen": last}
        plan.sightings.append((pk, status, pack(shown)))

    def _span(self, device: Mapping[str, Any]) -> tuple[str, str]:
        first = device.get("first_seen") or self.run.get("started_at") or self.run["finished_at"]
        last = device.get("last_seen") or self.run["finished_at"]
        return str(first), str(last)

    def _insert(
        self,
        run_id: str,
        seq: int,
        previous: str | None,
        sweep: Mapping[str, Any],
        present: list[Known],
        fresh: list[tuple[Any, ...]],
    ) -> tuple[int, list[int]]:
        """Insert the run, with its final counts, and the new devices; their ids."""
        summary = self.findings["summary"]
        envelope = {k: v for k, v in self.findings.items() if k not in ("devices", "sweep")}
        counts = [len(sweep[key]) for key in (NEW, RETURNED, CHANGED, REMOVED)]
        run_q = self.store.execute(
            "INSERT INTO runs (site, seq, run_id, status, started_at, finished_at, recorded_at,"
            " mode, policy, devices, of_concern, suspects, new, returned, changed, removed,"
            " present_concern, present_suspects, previous_run_id, envelope, sweep)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (
                self.site, seq, run_id, self.status, self.run.get("started_at"),
                self.run["finished_at"], now_iso(), self.run["mode"], self.run["policy"],
                int(summary["devices"]), int(summary["of_concern"]),
                int(summary.get("suspect", 0)), *counts, _concern(present), _suspects(present),
                previous, json.dumps(envelope), json.dumps(sweep),
            ),
        )  # fmt: skip
        fresh_pks = self._insert_devices(fresh)
        row = run_q.fetchone()
        assert row is not None
        return int(row[0]), fresh_pks

    def _insert_devices(self, fresh: list[tuple[Any, ...]]) -> list[int]:
        """Insert new devices (one statement); their ids, in order."""
        head = (
            "INSERT INTO devices (site, report_id, first_seen, last_seen, of_concern, channels, "
            + ", ".join(COLUMNS)
            + ", present, returns)"
        )
        rows = [(*row, 1, 0) for row in fresh]
        if len({row[1] for row in fresh}) < len(fresh):
            # the same report id twice (never in camscan's reports): one statement each
            return [self._one_id(head, row) for row in rows]
        by_id: dict[str, int] = {}
        for cursor in self.store.values(head, rows, " RETURNING id, report_id"):
            by_id.update((str(rid), int(pk)) for pk, rid in cursor.fetchall())
        return [by_id[row[1]] for row in fresh]

    def _one_id(self, head: str, row: tuple[Any, ...]) -> int:
        (cursor,) = self.store.values(head, [row], " RETURNING id")
        return int(cursor.fetchone()[0])

    def _gone(self, known: dict[int, Known], seen: set[int]) -> list[Known]:
        """Present devices this complete run did not see, now marked removed."""
        gone = [k for pk, k in known.items() if k.present and pk not in seen]
        for k in gone:
            k.present = False
        return gone

    def _flush(self, run_pk: int, fresh_pks: list[int], plan: _Plan, gone: list[Known]) -> None:
        store, site = self.store, self.site
        store.values(_UPDATE_HEAD, plan.updates, _UPDATE_TAIL)
        if gone:
            marks = ", ".join("?" * len(gone))
            store.execute(
                f"UPDATE devices SET present = 0, removed_at = ? WHERE id IN ({marks})",
                (self.run["finished_at"], *(k.pk for k in gone)),
            )
        fresh = iter(fresh_pks)
        keys = [
            (site, k, pk) for pk, ks in zip(fresh_pks, plan.fresh_keys, strict=True) for k in ks
        ]
        store.values(
            "INSERT INTO identities (site, key, device)",
            keys + plan.keys,
            " ON CONFLICT (site, key) DO NOTHING",
        )
        store.values(
            "INSERT INTO sightings (run, device, site, status, data)",
            [
                (run_pk, next(fresh) if pk is None else pk, site, status, data)
                for pk, status, data in plan.sightings
            ],
        )

    def _finish(self, sweep: Mapping[str, Any], present: list[Known]) -> None:
        concern = _concern(present)
        day = self._day(concern)
        self.store.execute(
            "UPDATE sites SET runs = runs + 1, last_run_id = ?, last_finished_at = ?,"
            " last_status = ?, last_day = ?, of_concern = ?, suspects = ?, returned = ?"
            " WHERE site = ?",
            (
                sweep["run_id"], self.run["finished_at"], self.status, day, concern,
                _suspects(present), sum(k.of_concern and k.returns > 0 for k in present),
                self.site,
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


@dataclass(slots=True)
class _Plan:
    """What a run will write, gathered before the first write."""

    lists: dict[str, list[str]] = field(
        default_factory=lambda: {NEW: [], RETURNED: [], CHANGED: []}
    )
    changes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)
    seen_pks: set[int] = field(default_factory=set)
    updates: list[tuple[Any, ...]] = field(default_factory=list)
    keys: list[tuple[str, str, int]] = field(default_factory=list)
    fresh: list[tuple[Any, ...]] = field(default_factory=list)  # new devices' column values
    fresh_known: list[Known] = field(default_factory=list)
    fresh_keys: list[list[str]] = field(default_factory=list)
    sightings: list[tuple[int | None, str, bytes]] = field(default_factory=list)  # None: new


# Every known device seen by the run, in one statement; the CAST types an all-NULL column.
_UPDATE_HEAD = (
    "WITH v (id, report_id, first_seen, last_seen, returns, of_concern, channels, "
    + ", ".join(COLUMNS)
    + ") AS ("
)
_UPDATE_TAIL = (
    ") UPDATE devices SET report_id = v.report_id, first_seen = v.first_seen,"
    " last_seen = v.last_seen, present = 1, returns = CAST(v.returns AS INTEGER),"
    " of_concern = CAST(v.of_concern AS INTEGER),"
    " channels = COALESCE(CAST(v.channels AS INTEGER), devices.channels), "
    + ", ".join(f"{name} = v.{name}" for name in COLUMNS)
    + " FROM v WHERE devices.id = v.id"
)


def _concern(present: list[Known]) -> int:
    return sum(k.of_concern for k in present)


def _suspects(present: list[Known]) -> int:
    return sum(k.fields.get("verdict") == "suspect" for k in present)


VERDICT_RANK = {"clear": 0, "suspect": 1, "concern": 2}


def _weaker(verdict: str, than: str) -> bool:
    return VERDICT_RANK.get(verdict, 0) < VERDICT_RANK.get(than, 0)


def _known(row: Sequence[Any]) -> Known:
    fields = dict(zip(COLUMNS, row[7:], strict=True))
    return Known(
        int(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), int(row[5]),
        bool(row[6]), fields,
    )  # fmt: skip


def _unchanged(
    fields: Mapping[str, Any], cols: Mapping[str, Any], device: Mapping[str, Any]
) -> bool:
    """Whether `changes()` would find nothing, without parsing the stored IPs (most devices)."""
    return cols["ips"] == fields["ips"] and all(
        device.get(name) == fields[name] for name in TRACKED if name != "ips"
    )


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
