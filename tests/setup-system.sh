#!/bin/sh
# Idempotent system set-up for the test suite, as root: the programs the tests run. Debian's
# chromium (HTML report tests), postgresql (the estate tests start throwaway clusters with its
# initdb/pg_ctl), iproute2 (lab namespaces), openssl (lab TLS certificates), time (a lab scan's
# peak memory), util-linux (setpriv, unshare) and gcc (the compiled capture reader, built when
# the venv is made, so this runs first). Not root: nothing is done and the tests needing what is
# missing skip with the reason. Under CI (CI=true) this script fails loudly when it is not root
# (the lab tests need root) or when anything is still missing, and in the tests a skip fails.
set -eu

CHROMIUM=/usr/bin/chromium

case "${CI:-}" in true | TRUE | True) ci=1 ;; *) ci=0 ;; esac

# check PACKAGE COMMAND...: PACKAGE joins $missing when COMMAND fails
check() {
    pkg=$1
    shift
    "$@" >/dev/null 2>&1 || missing="$missing $pkg"
}

survey() {
    missing=""
    check chromium test -x "$CHROMIUM"
    check postgresql sh -c 'ls /usr/lib/postgresql/*/bin/initdb'
    check iproute2 command -v ip
    check openssl command -v openssl
    check time test -x /usr/bin/time
    check util-linux sh -c 'command -v setpriv && command -v unshare'
    check gcc command -v cc
}

fail() {
    echo "setup-system: ERROR: $*" >&2
    exit 1
}

survey
if [ "$ci" = 1 ] && [ "$(id -u)" -ne 0 ]; then
    fail "CI=true but not root: the lab, namespace and read-only mount tests need root"
fi
if [ -z "$missing" ]; then
    echo "setup-system: every program the tests need is present, nothing to do"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup-system: not root, nothing done (tests needing$missing will skip)"
    exit 0
fi

echo "setup-system: installing$missing (apt-get update, then apt-get install)"
# shellcheck disable=SC2086 # the package list is meant to split
if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; }; then
    [ "$ci" = 0 ] || fail "apt-get could not install$missing"
    # A mirror hiccup on a developer machine must not fail the whole suite: those tests skip.
    echo "setup-system: WARNING:$missing could not be installed; the tests needing them skip" >&2
    exit 0
fi
installed=$missing
survey
[ -z "$missing" ] || fail "still missing after apt-get install:$missing"
echo "setup-system: installed$installed"
