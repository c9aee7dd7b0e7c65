#!/bin/sh
# Idempotent system set-up for the test suite, as root: Debian's chromium (the HTML report tests)
# and postgresql (the estate tests start throwaway clusters with its initdb/pg_ctl). Not root:
# nothing is done and the tests that need them skip, except under CI (CI=true), where anything
# missing is an error here and a failure in the tests.
set -eu

CHROMIUM=/usr/bin/chromium

have_postgresql() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }

missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium"
have_postgresql || missing="$missing postgresql"

if [ -z "$missing" ]; then
    echo "setup-system: chromium and postgresql present, nothing to do"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "setup-system: ERROR: missing:$missing, and not root to install them" >&2
        exit 1
    fi
    echo "setup-system: not root, nothing done (tests needing$missing will skip)"
    exit 0
fi

echo "setup-system: installing$missing (apt-get update, then apt-get install)"
# shellcheck disable=SC2086 # the package list is meant to split
if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; }; then
    if [ "${CI:-}" = "true" ]; then
        echo "setup-system: ERROR: apt-get could not install$missing" >&2
        exit 1
    fi
    # A mirror hiccup on a developer machine must not fail the whole suite: those tests skip.
    echo "setup-system: WARNING:$missing could not be installed; the tests needing them skip" >&2
    exit 0
fi
[ -x "$CHROMIUM" ] || { echo "setup-system: $CHROMIUM is still missing" >&2; exit 1; }
have_postgresql || { echo "setup-system: PostgreSQL's initdb is still missing" >&2; exit 1; }
echo "setup-system: installed$missing"
