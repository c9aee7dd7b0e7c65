#!/bin/sh
# Writes history-v2.sqlite3: a history as camscan wrote it at schema 2 (commit d64449b), for the
# migration test. Two sweeps of site store-0042: the demo LAN (its Hikvision NVR states 8
# channels over SADP); the demo LAN plus the Dahua NVR capture (a DHI-NVR5216 that states none).
# Run from the repository root with that commit's files in $OLD
# (mkdir /tmp/camscan-v2 && git archive d64449b | tar -x -C /tmp/camscan-v2).
set -eu
OLD=${OLD:?a checkout of commit d64449b}
HERE=$(pwd)
OUT=$HERE/tests/estate/data/history-v2.sqlite3
TMP=$(mktemp -d)
rm -f "$OUT" "$OUT-wal" "$OUT-shm"
run() { (cd "$OLD" && "$HERE/.venv/bin/python" -c 'from scanner.cli.main import main; main()' \
    sweep --site store-0042 --db "$OUT" --fail-on never -q -o "$TMP/report.json" "$@"); }
run --pcap "$HERE/pcaps/demo/store-lan.pcapng"
run --pcap "$HERE/pcaps/demo/store-lan.pcapng" --pcap "$HERE/pcaps/synthetic/dahua5050.pcap"
"$HERE/.venv/bin/python" -c "import sqlite3; c = sqlite3.connect('$OUT'); c.execute('PRAGMA journal_mode=DELETE'); c.execute('VACUUM')"
rm -rf "$TMP" "$OUT".*.lock
