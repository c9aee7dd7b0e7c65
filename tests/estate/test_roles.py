"""Least privilege at the centre: a store reaches its own site only; head office only reads."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from findings import CAM_A, CAM_B, NVR_C, findings  # noqa: E402
from pgcluster import Cluster  # noqa: E402

from scanner.errors import InputError  # noqa: E402
from scanner.sweep import schema  # noqa: E402
from scanner.sweep.history import History, open_history  # noqa: E402

A, B = "store-a", "store-b"


@pytest.fixture
def estate(pg_env: Cluster, unique: Any, camscan: Any) -> dict[str, Any]:
    """A centre set up by `camscan estate init` with two stores and head office, one run each."""
    database = pg_env.create_database(unique("roles"))
    roles = {A: unique("store_a_"), B: unique("store_b_"), "office": unique("office_")}
    result = camscan(
        "estate", "init", "--db", pg_env.url(database=database),
        "--store", f"{A}={roles[A]}", "--store", f"{B}={roles[B]}", "--office", roles["office"],
        env=pg_env.env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for role in roles.values():
        pg_env.add_login(role)
    for site, report in ((A, findings([CAM_A, CAM_B], day=1)), (B, findings([NVR_C], day=1))):
        with _as(pg_env, database, roles[site]) as history:
            history.record(site, f"{site}-1", report)
    return {"cluster": pg_env, "database": database, "roles": roles}


class _as:
    """A history opened as one login role."""

    def __init__(self, cluster: Cluster, database: str, role: str) -> None:
        self.history = open_history(cluster.url(role, database), write=True)

    def __enter__(self) -> History:
        return self.history

    def __exit__(self, *exc: object) -> None:
        self.history.close()


def _raw(estate: dict[str, Any], who: str) -> psycopg.Connection:
    cluster: Cluster = estate["cluster"]
    return cluster.connect(estate["roles"][who], estate["database"])


def test_a_store_sees_only_its_own_site(estate: dict[str, Any]) -> None:
    with _as(estate["cluster"], estate["database"], estate["roles"][A]) as history:
        assert [r.site for r in history.runs()] == [A]
        assert {d.site for d in history.present()} == {A}
        with pytest.raises(InputError, match="no run 'store-b-1'"):
            history.run_report("store-b-1")
    with _raw(estate, A) as conn:
        rows = conn.execute("SELECT DISTINCT site FROM camscan.sightings").fetchall()
        assert rows == [(A,)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM camscan.site_roles")


def test_a_store_cannot_add_a_run_for_another_site(estate: dict[str, Any]) -> None:
    with (
        _as(estate["cluster"], estate["database"], estate["roles"][A]) as history,
        pytest.raises(InputError, match="violates row-level security policy"),
    ):
        history.record(B, "forged", findings([CAM_A], day=2))
    with _as(estate["cluster"], estate["database"], estate["roles"]["office"]) as office:
        assert [r.run_id for r in office.runs(B)] == ["store-b-1"]


def test_a_store_cannot_alter_or_delete_another_sites_rows(estate: dict[str, Any]) -> None:
    with _raw(estate, A) as conn:
        changed = conn.execute("UPDATE camscan.runs SET of_concern = 0 WHERE site = %s", (B,))
        assert changed.rowcount == 0  # invisible rows cannot be updated
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM camscan.runs WHERE site = %s", (A,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE camscan.runs SET site = %s WHERE site = %s", (B, A))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DROP TABLE camscan.runs")
    with _raw(estate, "office") as conn:
        assert conn.execute("SELECT of_concern FROM camscan.runs WHERE site = %s", (B,)).fetchone()[
            0
        ] == (1)


def test_head_office_reads_every_site_and_writes_nothing(estate: dict[str, Any]) -> None:
    with _as(estate["cluster"], estate["database"], estate["roles"]["office"]) as history:
        assert [r.site for r in history.runs()] == [A, B]
        with pytest.raises(InputError, match="not allowed"):
            history.record(A, "office-run", findings([CAM_A], day=2))
    with _raw(estate, "office") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE camscan.sites SET of_concern = 0")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM camscan.devices")


def test_estate_init_is_idempotent(estate: dict[str, Any], camscan: Any) -> None:
    cluster: Cluster = estate["cluster"]
    url = cluster.url(database=estate["database"])
    result = camscan("estate", "init", "--db", url, env=cluster.env())
    assert result.returncode == 0, result.stderr
    assert f"schema {schema.CURRENT} (up to date)" in result.stderr
    with _as(cluster, estate["database"], estate["roles"][A]) as history:
        assert [r.run_id for r in history.runs()] == ["store-a-1"]


def test_a_sweep_straight_into_the_centre_uses_the_stores_role(
    estate: dict[str, Any], camscan: Any, tmp_path: Path
) -> None:
    cluster: Cluster = estate["cluster"]
    url = cluster.url(estate["roles"][A], estate["database"])
    demo = Path(__file__).resolve().parents[2] / "pcaps" / "demo" / "store-lan.pcapng"
    args = ["sweep", "--site", A, "--pcap", str(demo), "--db", url, "--fail-on", "never", "-q"]
    assert camscan(*args, env=cluster.env()).returncode == 0
    forged = camscan(*[B if a == A else a for a in args], env=cluster.env())
    assert forged.returncode == 2 and "violates row-level security" in forged.stderr
