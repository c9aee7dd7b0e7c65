"""contrib/: the cron line and the systemd unit run the same sweep with the same history in
/var/lib/camscan, and grant raw sockets as an ambient capability, never with setcap."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.sweep.config import build, default_db_path, load_file

REPO = Path(__file__).resolve().parents[3]
CONTRIB = REPO / "contrib"
SWEEP = "/usr/local/bin/camscan sweep --config /etc/camscan/sweep.toml"


def cron_command() -> list[str]:
    lines = [
        x for x in (CONTRIB / "camscan-sweep.cron").read_text().splitlines() if x[:1].isdigit()
    ]
    assert len(lines) == 1
    fields = shlex.split(lines[0].split("||")[0])
    assert fields[:6] == ["17", "2", "*", "*", "*", "root"]
    return fields[6:]


def unit() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (CONTRIB / "camscan-sweep.service").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_cron_and_systemd_run_the_same_sweep() -> None:
    assert " ".join(cron_command()).split(" env XDG_DATA_HOME=/var/lib ")[1] == f"{SWEEP} -q"
    assert unit()["ExecStart"] == [SWEEP]


def test_cron_and_systemd_keep_history_in_var_lib_camscan() -> None:
    assert "XDG_DATA_HOME=/var/lib" in cron_command()
    settings = unit()
    assert (settings["Environment"], settings["StateDirectory"]) == (
        ["XDG_DATA_HOME=/var/lib", "PGPASSFILE=%d/pgpass"],  # the centre's password, for --sync
        ["camscan"],
    )
    assert default_db_path({"XDG_DATA_HOME": "/var/lib"}) == Path(
        "/var/lib/camscan/history.sqlite3"
    )


def test_root_finds_the_system_history_by_default() -> None:
    assert default_db_path({}, root=True) == Path("/var/lib/camscan/history.sqlite3")


def test_both_run_as_the_camscan_user_with_only_cap_net_raw() -> None:
    settings = unit()
    assert (settings["User"], settings["AmbientCapabilities"]) == (["camscan"], ["CAP_NET_RAW"])
    assert settings["CapabilityBoundingSet"] == ["CAP_NET_RAW"]
    setpriv = cron_command()[: cron_command().index("env")]
    assert setpriv == [
        "setpriv", "--reuid=camscan", "--regid=camscan", "--init-groups", "--no-new-privs",
        "--inh-caps=+net_raw", "--ambient-caps=+net_raw", "--bounding-set=-all,+net_raw",
    ]  # fmt: skip


def test_nothing_grants_capabilities_with_setcap() -> None:
    for path in [*CONTRIB.iterdir(), REPO / "README.md"]:
        assert not re.search(r"\bsetcap\b", path.read_text()), path


def test_the_example_config_is_a_valid_sweep_config() -> None:
    config = build(load_file(CONTRIB / "sweep.toml.example"))
    assert config.site == "store-0042"
    assert all(path.startswith("/var/lib/camscan/reports/") for path in config.reports.values())


def test_the_cron_privileges_let_a_non_root_user_listen(tmp_path: Path) -> None:
    """The cron line's setpriv, with user nobody, gives camscan raw capture on loopback."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:  # fails under CI=true
        pytest.skip("needs root and setpriv (util-linux)")
    setpriv = cron_command()[: cron_command().index("env")]
    user = [a.replace("camscan", "nobody") for a in setpriv]
    user = [a.replace("--regid=nobody", "--regid=nogroup") for a in user]
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(tmp_path)}
    tmp_path.chmod(0o777)
    probe = [sys.executable, "-c", "from scanner.cli.main import main; main()", "listen"]
    argv = [*user, *probe, "--iface", "lo", "--seconds", "0.3", "--format", "json", "-q"]
    proc = subprocess.run(argv, capture_output=True, cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    capabilities = json.loads(proc.stdout)["run"]["capabilities"]
    assert capabilities == {"root": False, "raw_capture": True}


def test_the_readmes_store_cron_line_is_contribs_sync_line() -> None:
    # the commented --sync variant in contrib and the README's Estate section are one line, and
    # it differs from the plain sweep only by the centre's password file and --sync
    commented = [
        x[2:] for x in (CONTRIB / "camscan-sweep.cron").read_text().splitlines()
        if x.startswith("# 17 2 ")
    ]  # fmt: skip
    assert len(commented) == 1
    sync_line = commented[0].split(" ||")[0]
    readme = (REPO / "README.md").read_text().splitlines()
    assert sync_line in readme
    fields = shlex.split(sync_line)[6:]
    plain = [f for f in fields if not f.startswith(("PGPASSFILE=", "--sync", "postgresql://"))]
    assert plain == cron_command()
    assert "PGPASSFILE=/var/lib/camscan/.pgpass" in fields


def test_the_sync_unit_forwards_the_sweeps_history() -> None:
    lines = (CONTRIB / "camscan-sync.service").read_text().splitlines()
    start = shlex.split(next(x for x in lines if x.startswith("ExecStart="))[len("ExecStart=") :])
    history = Path(start[start.index("--db") + 1])
    assert history == Path("/var/lib/camscan/history.sqlite3")
    env = dict(
        x[len("Environment=") :].split("=", 1) for x in lines if x.startswith("Environment=")
    )
    assert env["XDG_DATA_HOME"] == "/var/lib"
    assert history == default_db_path({"XDG_DATA_HOME": "/var/lib"}, root=False)
