"""The sweep config: TOML file, command-line overrides, defaults and rejected input."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.sweep.config import SourceSpec, build, default_db_path, load_file, report_path

CONFIG = """
site = "store-0042"
policy = "default"
db = "/var/lib/camscan/history.sqlite3"
fail_on = "new"
lock_timeout = 5

[source]
kind = "scan"
targets = ["10.20.30.0/24"]
iface = "eth0"

[reports]
json = "/srv/reports/{site}/{date}-{run_id}.json"
html = "/srv/reports/{site}/latest.html"
"""


def test_config_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text(CONFIG)
    config = build(load_file(path))
    assert (config.site, config.db, config.fail_on, config.lock_timeout) == (
        "store-0042",
        Path("/var/lib/camscan/history.sqlite3"),
        "new",
        5.0,
    )
    assert config.source == SourceSpec("scan", targets=("10.20.30.0/24",), iface="eth0")
    assert sorted(config.reports) == ["html", "json"]


def test_command_line_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text(CONFIG)
    config = build(load_file(path), site="lab", pcaps=["a.pcap"], reports={"json": "r.json"})
    assert (config.site, config.source, config.reports["json"]) == (
        "lab",
        SourceSpec("pcap", ("a.pcap",)),
        "r.json",
    )


def test_no_config_file_is_needed() -> None:
    config = build({}, site="store-0042", pcaps=["a.pcap"], db=Path("h.db"))
    assert (config.policy, config.fail_on, config.lock_timeout) == ("default", "concern", 60.0)


def test_default_database_follows_xdg_data_home() -> None:
    assert default_db_path({"XDG_DATA_HOME": "/data"}) == Path("/data/camscan/history.sqlite3")


def test_default_database_without_xdg_is_under_local_share() -> None:
    assert default_db_path({}, root=False) == Path.home() / ".local/share/camscan/history.sqlite3"


def test_default_database_of_root_without_xdg_is_the_system_one() -> None:
    assert default_db_path({}, root=True) == Path("/var/lib/camscan/history.sqlite3")


def test_unknown_keys_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text('site = "x"\nsites = "typo"\n')
    with pytest.raises(InputError, match="unknown key\\(s\\) in sweep config: sites"):
        load_file(path)


def test_a_site_name_with_a_slash_is_rejected() -> None:
    with pytest.raises(InputError, match="a sweep needs a site name"):
        build({}, site="../etc", pcaps=["a.pcap"])


def test_a_sweep_without_a_source_is_rejected() -> None:
    with pytest.raises(InputError, match="a sweep needs a source"):
        build({}, site="s1")


def test_report_paths_fill_their_placeholders() -> None:
    path = report_path("/r/{site}/{date}-{run_id}.html", "s1", "20261127T100000Z-abc", "2026-11-27")
    assert path == Path("/r/s1/2026-11-27-20261127T100000Z-abc.html")


def test_report_paths_reject_other_placeholders() -> None:
    with pytest.raises(InputError, match="use only"):
        report_path("/r/{host}.json", "s1", "r", "d")


def test_the_contrib_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[3] / "contrib" / "sweep.toml.example"
    config = build(load_file(example))
    assert (config.site, config.source.kind, sorted(config.reports)) == (
        "store-0042",
        "scan",
        ["html", "json", "ndjson"],
    )


SCAN_KNOBS = """
site = "store-0042"

[source]
kind = "scan"
targets = ["10.20.30.0/24"]
iface = "eth0"
rate = 50
tcp_rate = 500.5
concurrency = 16
connect_timeout = 0.5
timeout = 1.5
listen_window = 2
max_duration = 300
ports = [80, 8000]
probes = "arp,sadp,tcp"
allow_large = true
"""


def test_a_scan_source_takes_every_scan_knob(tmp_path: Path) -> None:
    from scanner.active.settings import ScanSettings

    path = tmp_path / "sweep.toml"
    path.write_text(SCAN_KNOBS)
    source = build(load_file(path)).source
    assert (source.scan, source.allow_large) == (
        ScanSettings(
            rate=50.0, tcp_rate=500.5, concurrency=16, connect_timeout=0.5, timeout=1.5,
            listen_window=2.0, max_duration=300.0, ports=(80, 8000),
            probes=frozenset({"arp", "sadp", "tcp"}),
        ),
        True,
    )  # fmt: skip


def test_no_discovery_in_the_config_keeps_arp_and_tcp() -> None:
    source = {"kind": "scan", "targets": ["10.0.0.0/24"], "no_discovery": True}
    assert build({"source": source}, site="s1").source.scan.probes == frozenset({"arp", "tcp"})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("rate", "nan", r"\[source\] rate must be between 1 and 10000"),
        ("rate", "inf", r"\[source\] rate must be between 1 and 10000"),
        ("tcp_rate", "'2000'", r"\[source\] tcp_rate must be a number"),
        ("concurrency", "0", r"\[source\] concurrency must be between 1 and 4096"),
        ("concurrency", "8.5", r"\[source\] concurrency must be an integer"),
        ("timeout", "true", r"\[source\] timeout must be a number"),
        ("max_duration", "0", r"\[source\] max_duration must be between 1 and 604800"),
        ("ports", "[80, 70000]", r"\[source\] ports: 70000 is outside 1-65535"),
        ("ports", "8000", r"\[source\] ports must be a list or a comma-separated string"),
        ("probes", "['arp', 'icmp']", r"\[source\] probes: 'icmp' is not one of"),
        ("allow_large", "1", r"\[source\] allow_large and no_discovery must be true or false"),
        ("seconds", "nan", "source seconds must be a positive number"),
    ],
)
def test_bad_scan_knobs_are_rejected_with_one_line(
    tmp_path: Path, key: str, value: str, message: str
) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text(f'site = "s1"\n[source]\nkind = "scan"\ntargets = ["10.0.0.0/24"]\n'
                    f"{key} = {value}\n")  # fmt: skip
    with pytest.raises(InputError, match=f"^{message}"):
        build(load_file(path))


def test_scan_knobs_on_another_source_are_rejected() -> None:
    source = {"kind": "pcap", "paths": ["a.pcap"], "rate": 10}
    with pytest.raises(InputError, match=r"\[source\] rate: only a scan source takes these"):
        build({"source": source}, site="s1")


def test_a_scan_sources_seconds_is_still_its_listen_window() -> None:
    source = {"kind": "scan", "targets": ["10.0.0.0/24"], "seconds": 5}
    assert build({"source": source}, site="s1").source.scan.listen_window == 5.0


def test_scan_and_iface_options_need_no_config_file() -> None:
    config = build({}, site="store-0042", scan_targets=["10.20.30.0/24"], iface="eth0")
    assert config.source == SourceSpec("scan", targets=("10.20.30.0/24",), iface="eth0")


def test_scan_options_replace_the_files_targets_and_keep_its_knobs(tmp_path: Path) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text(SCAN_KNOBS)
    source = build(load_file(path), scan_targets=["10.9.9.0/24"], iface="eth1").source
    assert (source.targets, source.iface, source.scan.rate) == (("10.9.9.0/24",), "eth1", 50.0)


def test_pcap_and_scan_options_together_are_refused() -> None:
    with pytest.raises(InputError, match="choose one source"):
        build({}, site="s1", pcaps=["a.pcap"], scan_targets=["10.0.0.0/24"])
