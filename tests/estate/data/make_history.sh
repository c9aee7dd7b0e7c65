#!/bin/sh
# Writes history-v<N>.sqlite3, a history as an older camscan left it, for the migration tests:
#   1  camscan 0.1 (schema 1, commit 38db93a). Three sweeps of site store-0042: the demo LAN; the
#      demo LAN plus the Dahua NVR capture; the Dahua NVR capture alone (so the demo devices are
#      removed). Its files: git worktree add /tmp/camscan-0.1 38db93a
#   2  schema 2 (commit d64449b). Two sweeps of site store-0042: the demo LAN (its Hikvision NVR
#      states 8 channels over SADP); the demo LAN plus the Dahua NVR capture (a DHI-NVR5216 that
#      states none). Its files: mkdir /tmp/camscan-v2 && git archive d64449b | tar -x -C /tmp/camscan-v2
# Run from the repository root as `tests/estate/data/make_history.sh N` with that commit's files
# in $OLD.
set -eu
VERSION=${1:?which history to write: 1 or 2}
case $VERSION in
1) COMMIT=38db93a ;;
2) COMMIT=d64449b ;;
*) echo "make_history.sh: no history version $VERSION (1 or 2)" >&2; exit 2 ;;
esac
OLD=${OLD:?a checkout of commit $COMMIT}
HERE=$(pwd)
OUT=$HERE/tests/estate/data/history-v$VERSION.sqlite3
DEMO=$HERE/pcaps/demo/store-lan.pcapng
NVR=$HERE/pcaps/synthetic/dahua5050.pcap
TMP=$(mktemp -d)
rm -f "$OUT" "$OUT-wal" "$OUT-shm"
run() { (cd "$OLD" && "$HERE/.venv/bin/python" -c 'from scanner.cli.main import main; main()' \
    sweep --site store-0042 --db "$OUT" --fail-on never -q -o "$TMP/report.json" "$@"); }
run --pcap "$DEMO"
run --pcap "$DEMO" --pcap "$NVR"
if [ "$VERSION" = 1 ]; then run --pcap "$NVR"; fi
"$HERE/.venv/bin/python" -c "import sqlite3; c = sqlite3.connect('$OUT'); c.execute('PRAGMA journal_mode=DELETE'); c.execute('VACUUM')"
rm -rf "$TMP" "$OUT".*.lock
