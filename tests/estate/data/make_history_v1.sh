#!/bin/sh
# Writes history-v1.sqlite3: a history as camscan 0.1 (schema 1, commit 38db93a) left it, for the
# migration test. Three sweeps of site store-0042: the demo LAN; the demo LAN plus the Dahua NVR
# capture; the Dahua NVR capture alone (so the demo devices are removed). Run from the repository
# root with a checkout of that commit in $OLD (git worktree add /tmp/camscan-0.1 38db93a).
set -eu
OLD=${OLD:?a checkout of commit 38db93a}
HERE=$(pwd)
OUT=$HERE/tests/estate/data/history-v1.sqlite3
TMP=$(mktemp -d)
rm -f "$OUT" "$OUT-wal" "$OUT-shm"
run() { (cd "$OLD" && "$HERE/.venv/bin/python" -c 'from scanner.cli.main import main; main()' \
    sweep --site store-0042 --db "$OUT" --fail-on never -q -o "$TMP/report.json" "$@"); }
run --pcap "$HERE/pcaps/demo/store-lan.pcapng"
run --pcap "$HERE/pcaps/demo/store-lan.pcapng" --pcap "$HERE/pcaps/synthetic/dahua5050.pcap"
run --pcap "$HERE/pcaps/synthetic/dahua5050.pcap"
"$HERE/.venv/bin/python" -c "import sqlite3; c = sqlite3.connect('$OUT'); c.execute('PRAGMA journal_mode=DELETE'); c.execute('VACUUM')"
rm -rf "$TMP" "$OUT".*.lock
