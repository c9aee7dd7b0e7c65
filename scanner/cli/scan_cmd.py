"""`camscan scan` and `camscan listen`: thin commands over scanner.app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from scanner.active.settings import PROBES, ScanSettings
from scanner.active.settings import build as build_settings
from scanner.cli import outputs
from scanner.cli.common import (
    DEFAULT_MAX_MEMORY,
    FailOn,
    FailOnOpt,
    FormatOpt,
    LocalNetOpt,
    MaxMemoryOpt,
    OutputOpt,
    PolicyOpt,
    QuietOpt,
    VerboseOpt,
    console,
    exit_on_policy,
    limits,
    load_policy,
    setup_logging,
)
from scanner.errors import ExitStatus, RuntimeFailure

_D = ScanSettings()
HOW_TO_START = (
    "camscan scan needs something to scan; it sends nothing on its own.\n"
    "  camscan scan --iface eth0             scan the subnets of eth0\n"
    "  camscan scan 10.0.0.0/24              scan a CIDR (also ranges 10.0.0.5-10.0.0.20, hosts)\n"
    "  camscan scan 10.0.0.0/24 --iface eth0 scan a CIDR, discovery on eth0\n"
    f"Defaults are gentle: at most {_D.rate:g} broadcast/multicast frames/s (--rate), "
    f"{_D.tcp_rate:g} TCP\nconnection attempts/s (--tcp-rate), {_D.concurrency} connections "
    "at once (--concurrency)."
)
PORTS_TEXT = ",".join(map(str, _D.ports))

PcapOutOpt = Annotated[
    Path | None,
    typer.Option(
        "--pcap-out", metavar="FILE", help="Write every frame sent and received (pcapng)."
    ),
]


def scan(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="TARGET...",
            show_default=False,
            help="CIDRs (10.0.0.0/24), ranges (10.0.0.5-10.0.0.20) or hosts.",
        ),
    ] = None,
    iface: Annotated[
        str | None,
        typer.Option(
            "--iface", metavar="IF", help="Interface for discovery; alone, scan its own subnets."
        ),
    ] = None,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    policy: PolicyOpt = "default",
    listen_window: Annotated[
        float,
        typer.Option(
            "--listen-window",
            metavar="SECONDS",
            help="Longest wait (s) for answers after the last ARP request or discovery probe; "
            "a window ends sooner, a moment after the last answer.",
        ),
    ] = _D.listen_window,
    rate: Annotated[
        float,
        typer.Option(
            "--rate",
            metavar="PER_S",
            help="Broadcast and multicast frames (ARP, discovery) per second.",
        ),
    ] = _D.rate,
    tcp_rate: Annotated[
        float,
        typer.Option("--tcp-rate", metavar="PER_S", help="TCP connection attempts per second."),
    ] = _D.tcp_rate,
    concurrency: Annotated[
        int, typer.Option("--concurrency", metavar="N", help="TCP connections open at once.")
    ] = _D.concurrency,
    connect_timeout: Annotated[
        float,
        typer.Option(
            "--connect-timeout", metavar="SECONDS", help="Seconds a TCP connect may take."
        ),
    ] = _D.connect_timeout,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", metavar="SECONDS", help="Seconds any other wait (a reply, TLS) may take."
        ),
    ] = _D.timeout,
    max_duration: Annotated[
        float | None,
        typer.Option(
            "--max-duration",
            metavar="SECONDS",
            help="Stop the whole scan after this many seconds (report what was found, exit 0 "
            "with a warning). Default: the time the targets could take at this pacing.",
        ),
    ] = None,
    ports: Annotated[
        str, typer.Option("--ports", metavar="PORTS", help="TCP ports to check.")
    ] = PORTS_TEXT,
    probes: Annotated[
        str | None,
        typer.Option(
            "--probes",
            metavar="LIST",
            help=f"Probes to send, from {','.join(PROBES)}. Default: all of them, but no "
            "multicast discovery when every target is a single address.",
        ),
    ] = None,
    no_discovery: Annotated[
        bool,
        typer.Option("--no-discovery", help="Send no multicast discovery (ARP and TCP only)."),
    ] = False,
    pcap_out: PcapOutOpt = None,
    fail_on: FailOnOpt = FailOn.never,
    allow_large: Annotated[
        bool, typer.Option("--allow-large", help="Allow more than a /16 of targets.")
    ] = False,
    no_raw: Annotated[
        bool,
        typer.Option(
            "--no-raw", help="Use no raw sockets (no ARP sweep, no capture), as without root."
        ),
    ] = False,
    max_memory: MaxMemoryOpt = DEFAULT_MAX_MEMORY,
    local_net: LocalNetOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Actively discover devices on the given targets or the interface's subnets."""
    setup_logging(verbose)
    if not targets and not iface:
        from rich.text import Text

        console(stderr=True).print(Text(HOW_TO_START), soft_wrap=True)
        raise typer.Exit(int(ExitStatus.USAGE))
    settings = build_settings(
        ports=ports, probes=probes, no_discovery=no_discovery, rate=rate, tcp_rate=tcp_rate,
        concurrency=concurrency, connect_timeout=connect_timeout, timeout=timeout,
        listen_window=listen_window, max_duration=max_duration,
    )  # fmt: skip
    from scanner import app
    from scanner.db.cache import loads_cleanly

    bounds = limits(max_memory, local_net)
    chosen = outputs.plan(output, fmt, refuse=[pcap_out] if pcap_out else [])
    # the vendor DB loads while the first probes go out when its parse cache shows that it
    # loads cleanly with this policy; otherwise its errors come before anything is sent
    early = loads_cleanly(policy)
    if not early:
        load_policy(policy)
    config = app.scan_config(
        targets or [], iface, allow_large, settings, pcap_out=pcap_out, raw=not no_raw
    )
    try:
        with _ScanProgress(quiet) as progress:
            run = app.scan(config, lambda: load_policy(policy), progress, bounds, early)
    except OSError as exc:
        raise RuntimeFailure(f"scan failed: {exc}") from None
    db, pol = load_policy(policy)  # loaded once per process: this is the scan's
    _finish(app.findings(run, db, pol), run.interrupted, chosen, quiet, fail_on)


def listen(
    iface: Annotated[str, typer.Option("--iface", metavar="IF", help="Interface to listen on.")],
    seconds: Annotated[
        float,
        typer.Option(
            "--seconds", metavar="SECONDS", min=0.1, max=86_400.0, help="How long to listen."
        ),
    ],
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    policy: PolicyOpt = "default",
    pcap_out: PcapOutOpt = None,
    fail_on: FailOnOpt = FailOn.never,
    max_memory: MaxMemoryOpt = DEFAULT_MAX_MEMORY,
    local_net: LocalNetOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
) -> None:
    """Listen passively on an interface (needs raw-socket privileges); sends nothing."""
    setup_logging(verbose)
    from scanner import app

    bounds = limits(max_memory, local_net)
    chosen = outputs.plan(output, fmt, refuse=[pcap_out] if pcap_out else [])
    db, pol = load_policy(policy)
    if not quiet and sys.stderr.isatty():
        outputs.note(
            console(stderr=True), f"listening on {iface} for {seconds:g} s (Ctrl-C ends it)"
        )
    try:
        run = app.listen(iface, seconds, db, pol, pcap_out, bounds)
    except OSError as exc:
        raise RuntimeFailure(f"listening failed: {exc}") from None
    _finish(app.findings(run, db, pol), run.interrupted, chosen, quiet, fail_on)


def _finish(
    report: dict[str, Any], interrupted: bool, chosen: outputs.Plan, quiet: bool, fail_on: FailOn
) -> None:
    """Deliver the report; exit 130 when Ctrl-C cut the run short, else as --fail-on says."""
    outputs.deliver(report, chosen, quiet)
    if interrupted:
        raise typer.Exit(int(ExitStatus.INTERRUPTED))
    exit_on_policy(report, fail_on)


class _ScanProgress:
    """One rich progress display on stderr with a line per phase; off for -q or no TTY."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description:<11}"), BarColumn(), MofNCompleteColumn(),
            TaskProgressColumn(), TimeRemainingColumn(), console=Console(stderr=True),
            transient=True,
        )  # fmt: skip
        self.bar.start()

        def update(phase: str, done: int, total: int) -> None:
            task = self.tasks.get(phase)
            if task is None:
                task = self.tasks[phase] = self.bar.add_task(phase, total=total)
            self.bar.update(task, completed=done, total=max(total, done))

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
