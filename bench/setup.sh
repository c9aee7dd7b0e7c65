#!/usr/bin/env bash
# Install tshark (the benchmark's reference tool) from the distribution's packages if it is missing.
# Idempotent: does nothing when tshark is already on PATH. Needs root or sudo for apt-get.
set -euo pipefail

if command -v tshark >/dev/null 2>&1; then
    echo "tshark present: $(tshark --version | head -n 1)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "tshark is missing and apt-get is not available: install tshark with your package manager" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "tshark is missing: run this script as root (apt-get needs it)" >&2
        exit 1
    fi
fi

# wireshark-common asks whether non-root users may capture; answer "no" up front so the install
# never stops at a prompt (the benchmark only reads files).
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tshark
echo "tshark installed: $(tshark --version | head -n 1)"
