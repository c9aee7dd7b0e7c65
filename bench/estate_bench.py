"""Estate scale benchmark: thousands of stores' nightly runs into SQLite and into PostgreSQL.

Simulates an estate of --sites stores x --runs nightly runs x ~--devices devices per store, with
churn (devices of concern removed and replaced by clear ones, IP changes, a few regressions where
a removed device comes back, the odd new device of concern), records every run through the same
history code a sweep or a sync uses, and prints for each backend: the ingest rate (runs/s, time
inside the recording transaction; generating the reports is not counted), the database size, the
time of the estate report, and the time of one site's history.

    make bench-estate                      # 3,000 sites x 90 runs x ~40 devices, both backends
    .venv/bin/python bench/estate_bench.py --sites 300 --runs 30 --backend sqlite   # quicker

PostgreSQL runs in a throwaway cluster (Debian's postgresql, as the tests use) with fsync on.
A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "estate"))

from scanner.estate.render import render  # noqa: E402
from scanner.estate.report import build_estate  # noqa: E402
from scanner.sweep.history import open_history  # noqa: E402

START = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
# Churn per device per night (the "removals, replacements, IP changes, a few regressions").
P_REMOVE, P_IP, P_RETURN, P_NEW_CONCERN = 0.012, 0.02, 0.08, 0.002
MAKERS = (("hikvision", None), ("hikvision", "ezviz"), ("dahua", None), ("dahua", "lorex"))
KINDS = ("camera", "camera", "camera", "nvr", "dvr")


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _device(rng: random.Random, site_no: int, n: int, verdict: str) -> dict[str, Any]:
    mac = f"02:{site_no >> 8 & 255:02x}:{site_no & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}:01"
    maker, brand = MAKERS[n % len(MAKERS)] if verdict != "clear" else (None, None)
    kind = KINDS[n % len(KINDS)] if verdict != "clear" else "pc"
    model = f"DS-2CD{2000 + n % 500}G2-I" if maker == "hikvision" else f"IPC-HDW{1000 + n % 900}"
    evidence = [
        {"signal": "oui", "rule": "oui.registry", "value": mac[:8], "claims": {"manufacturer":
         maker or "other"}, "weight": 0.35, "source": {"input": "night.pcap", "frame": 10 + n},
         "ts": None, "truncated": False},
        {"signal": "http", "rule": "http.server", "value": "App-webs/" if maker else "nginx",
         "claims": {}, "weight": 0.9, "source": {"input": "night.pcap", "frame": 200 + n},
         "ts": None, "truncated": False},
    ]  # fmt: skip
    return {
        "id": f"mac:{mac}", "mac": mac, "ips": [f"10.{site_no % 250}.{n // 250}.{n % 250 + 2}"],
        "vlan": None, "location": "lan", "hostname": None, "oui_organisation": None,
        "manufacturer": maker, "brand": brand, "kind": kind,
        "model": model if verdict != "clear" else None, "firmware": "V5.7.3 build 221121",
        "serial": None, "verdict": verdict, "of_concern": verdict == "concern",
        "concern": "listed by policy 'default'" if verdict == "concern" else None,
        "confidence": 0.97 if verdict == "concern" else 0.35, "services": [
            {"proto": "tcp", "port": 80, "name": "http"}], "evidence": evidence,
        "advisories": [], "first_seen": None, "last_seen": None,
    }  # fmt: skip


class Site:
    """One store's network evolving night by night."""

    def __init__(self, site_no: int, devices: int, seed: int) -> None:
        self.rng = random.Random(seed * 100_003 + site_no)
        self.no = site_no
        self.name = f"store-{site_no:04d}"
        count = max(4, round(self.rng.gauss(devices, devices / 8)))
        self.next = 0
        self.present: dict[int, dict[str, Any]] = {}
        self.gone: list[dict[str, Any]] = []
        for _ in range(count):
            roll = self.rng.random()
            self._add("concern" if roll < 0.3 else "suspect" if roll < 0.34 else "clear")

    def _add(self, verdict: str) -> None:
        self.present[self.next] = _device(self.rng, self.no, self.next, verdict)
        self.next += 1

    def night(self, when: datetime) -> dict[str, Any]:
        rng = self.rng
        for n, device in list(self.present.items()):
            if device["of_concern"] and rng.random() < P_REMOVE:
                self.gone.append(self.present.pop(n))
                self._add("clear")  # replaced by something else
            elif rng.random() < P_IP:
                octets = device["ips"][0].rsplit(".", 1)
                device["ips"] = [f"{octets[0]}.{(int(octets[1]) + 100) % 250 + 2}"]
        if self.gone and rng.random() < P_RETURN:
            back = self.gone.pop(rng.randrange(len(self.gone)))
            self.present[int(back["mac"].split(":")[3], 16) * 256 + self.next + 10_000] = back
        if rng.random() < P_NEW_CONCERN * len(self.present):
            self._add("concern")
        stamp = _iso(when)
        devices = []
        for device in self.present.values():
            shown = dict(device)
            shown["first_seen"] = shown["last_seen"] = stamp
            devices.append(shown)
        return _findings(devices, when)


def _findings(devices: list[dict[str, Any]], when: datetime) -> dict[str, Any]:
    concern = [d for d in devices if d["of_concern"]]
    makers: dict[str, int] = {}
    for d in concern:
        makers[d["manufacturer"]] = makers.get(d["manufacturer"], 0) + 1
    return {
        "schema": "camscan.findings/1", "generated_at": _iso(when + timedelta(minutes=5)),
        "tool": {"name": "camscan", "version": "0.1.0", "vendor_db": "b", "oui_registry": "b"},
        "run": {
            "mode": "scan", "inputs": [], "started_at": _iso(when),
            "finished_at": _iso(when + timedelta(minutes=5)), "policy": "default",
            "stats": {"frames": 0, "bytes": 0, "decode_errors": 0}, "warnings": [],
            "capabilities": {"root": True},
        },
        "summary": {
            "devices": len(devices), "of_concern": len(concern),
            "suspect": sum(d["verdict"] == "suspect" for d in devices), "remote": 0,
            "by_manufacturer": makers,
        },
        "devices": sorted(devices, key=lambda d: d["id"]),
    }  # fmt: skip


def _server_cpu(history: Any) -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (0 for SQLite)."""
    if history.store.dialect.name != "postgresql":
        return 0.0
    (pid,) = history.store.one("SELECT pg_backend_pid()")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ingest_worker(args: tuple[str, list[int], int, int, int]) -> tuple[int, float, float, float]:
    """Record every night of the given sites, night by night; (runs, seconds recording, CPU
    seconds of this process while recording, CPU seconds of its server backend)."""
    db, site_nos, runs, devices, seed = args
    history = open_history(db, write=True)
    sites = [Site(n, devices, seed) for n in site_nos]
    spent, cpu, count = 0.0, 0.0, 0
    server = -_server_cpu(history)
    try:
        for night in range(runs):
            when = START + timedelta(days=night)
            for site in sites:
                report = site.night(when + timedelta(seconds=site.no))
                run_id = f"{when:%Y%m%dT%H%M%SZ}-{site.no:06x}"
                began, began_cpu = time.perf_counter(), time.process_time()
                history.forward(site.name, run_id, report, "complete")
                spent += time.perf_counter() - began
                cpu += time.process_time() - began_cpu
                count += 1
        server += _server_cpu(history)
    finally:
        history.close()
    return count, spent, cpu, server


def _chunks(items: list[int], parts: int) -> Iterator[list[int]]:
    for n in range(parts):
        yield items[n::parts]


def ingest(db: str, sites: int, runs: int, devices: int, workers: int, seed: int) -> None:
    began = time.perf_counter()
    jobs = [(db, chunk, runs, devices, seed) for chunk in _chunks(list(range(sites)), workers)]
    if workers == 1:
        results = [_ingest_worker(jobs[0])]
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            results = pool.map(_ingest_worker, jobs)
    wall = time.perf_counter() - began
    total = sum(r[0] for r in results)
    busy = max(r[1] for r in results)
    print(
        f"  ingest: {total:,} runs, {workers} writer(s): {total / busy:,.0f} runs/s inside the "
        f"recording transactions ({total / wall:,.0f} runs/s wall, incl. generating reports)"
    )
    # CPU time does not depend on what else the machine runs: it tells a busy machine's rate
    # from a slow recorder (the rate above is what the machine gave at the time)
    client = 1000 * sum(r[2] for r in results) / total
    server = 1000 * sum(r[3] for r in results) / total
    print(f"  CPU per run: {client:.2f} ms in camscan, {server:.2f} ms in the server backend")
    print(
        "  machine load average after ingest (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(
            *os.getloadavg()
        )
    )


def _best_of(n: int, job: Any) -> float:
    best = float("inf")
    for _ in range(n):
        began = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - began)
    return best


def measure(db: str, label: str, sites: int, runs: int) -> None:
    as_of = START + timedelta(days=runs)
    site = f"store-{sites // 2:04d}"
    history = open_history(db, write=False)
    try:
        estate_s = _best_of(3, lambda: render(build_estate(history, as_of, 8), "json"))
        site_s = _best_of(5, lambda: (history.runs(site), history.present(site)))
        estate = build_estate(history, as_of, 8)
    finally:
        history.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-c", "from scanner.cli.main import main; main()"]
    day = f"{as_of:%Y-%m-%d}"
    began = time.perf_counter()
    subprocess.run([*cli, "estate", "--db", db, "--as-of", day, "--format", "json"], env=env,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    estate_cli = time.perf_counter() - began
    began = time.perf_counter()
    subprocess.run([*cli, "history", "--db", db, "--site", site], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    history_cli = time.perf_counter() - began
    totals = estate["totals"]
    points = estate["burndown"]["estate"]
    print(f"  estate report over all runs: {estate_s * 1000:,.0f} ms in-process "
          f"({estate_cli:.2f} s for the `camscan estate --format json` command)")  # fmt: skip
    print(f"  one site's history ({site}): {site_s * 1000:,.1f} ms in-process "
          f"({history_cli:.2f} s for the `camscan history --site` command)")  # fmt: skip
    print(f"  estate now: {totals['of_concern']:,} devices of concern at "
          f"{totals['sites_with_concern']:,} sites; burn-down {points[0]['of_concern']:,} -> "
          f"{points[-1]['of_concern']:,}; {totals['returned']} came back")  # fmt: skip


def _indexes(db: str) -> None:
    """Print the indexes and summary tables the history schema gave the database."""
    history = open_history(db, write=False)
    try:
        store = history.store
        if store.dialect.name == "sqlite":
            found = []
            for (table,) in store.all("SELECT name FROM sqlite_master WHERE type = 'table'"):
                for _, name, *_ in store.all(f"PRAGMA index_list({table})"):
                    cols = [row[2] for row in store.all(f"PRAGMA index_info({name})")]
                    found.append(f"{table} ({', '.join(cols)})")
        else:
            query = "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            found = [sql.split(" ON ", 1)[-1] for (sql,) in store.all(query)]
    finally:
        history.close()
    print("  indexes (incl. primary keys): " + "; ".join(sorted(found)))
    print(
        "  summary tables: sites (one row per site: latest run, counts now), site_days"
        " (per site and day: devices of concern, change) - kept by the recording transaction;"
        " a week ago's counts: each site's latest runs read backwards on runs (site, seq)"
    )


def bench_sqlite(args: argparse.Namespace, tmp: Path) -> None:
    db = str(tmp / "estate.sqlite3")
    print(f"SQLite ({db}, WAL, synchronous=FULL):")
    ingest(db, args.sites, args.runs, args.devices, 1, args.seed)
    size = sum(p.stat().st_size for p in tmp.glob("estate.sqlite3*"))
    print(f"  database size: {size / 2**20:,.0f} MiB")
    measure(db, "sqlite", args.sites, args.runs)
    _indexes(db)


def _rls_sample(cluster: Any, args: argparse.Namespace) -> None:
    """One more store's nights pushed through its own role (row-level security applies), and
    another's through the owner, one writer each: what the policies cost per run."""
    from scanner.estate.roles import init_estate

    extra = args.sites + 1
    init_estate(cluster.url(database="estate"), [(f"store-{extra:04d}", "bench_store")])
    cluster.add_login("bench_store")
    rates = []
    for site_no, user in ((extra, "bench_store"), (extra + 1, None)):
        db = cluster.url(user, "estate") if user else cluster.url(database="estate")
        count, spent, _, _ = _ingest_worker((db, [site_no], args.runs, args.devices, args.seed))
        rates.append(count / spent)
    print(f"  one writer, one site's {args.runs} runs: {rates[0]:,.0f} runs/s as the store's own "
          f"role (row-level security), {rates[1]:,.0f} runs/s as the owner")  # fmt: skip


def bench_postgresql(args: argparse.Namespace, tmp: Path) -> None:
    from pgcluster import new_cluster

    from scanner.estate.roles import init_estate

    cluster = new_cluster(durable=True, parent=str(tmp))
    try:
        os.environ["PGPASSFILE"] = str(cluster.pgpass)
        cluster.create_database("estate")
        url = cluster.url(database="estate")
        init_estate(url)
        print(f"PostgreSQL (throwaway cluster, fsync on, {args.workers} concurrent writers):")
        ingest(url, args.sites, args.runs, args.devices, args.workers, args.seed)
        with cluster.connect(database="estate") as conn:
            conn.execute("VACUUM ANALYZE")
            size = conn.execute("SELECT pg_database_size('estate')").fetchone()[0]
        print(f"  database size: {size / 2**20:,.0f} MiB")
        measure(url, "postgresql", args.sites, args.runs)
        _indexes(url)
        _rls_sample(cluster, args)
    finally:
        cluster.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=90)
    parser.add_argument("--devices", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4, help="PostgreSQL writers at once")
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", default=None, help="where the databases go (default: /tmp)")
    args = parser.parse_args()
    print(f"estate: {args.sites:,} sites x {args.runs} nightly runs x ~{args.devices} devices "
          f"({args.sites * args.runs:,} runs)")  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="camscan-estate-bench-", dir=args.dir))
    tmp.chmod(0o711)  # the PostgreSQL server runs as its own user when this runs as root
    try:
        if args.backend in ("both", "postgresql"):
            bench_postgresql(args, tmp)
        if args.backend in ("both", "sqlite"):
            bench_sqlite(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
