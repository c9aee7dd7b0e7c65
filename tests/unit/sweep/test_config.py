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
    config = build(load_file(path), site="lab", pcaps=["a.pcap"], output="r.json")
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
    assert default_db_path({}) == Path.home() / ".local/share/camscan/history.sqlite3"


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
