#!/usr/bin/env bash
# Install nmap (the scan benchmark's reference tool) from the distribution's packages if missing.
# Idempotent: does nothing when nmap is already on PATH. Needs root or sudo for apt-get.
# The benchmark itself (bench/scan_bench.py) also needs root for its network namespaces.
set -euo pipefail

if command -v nmap >/dev/null 2>&1; then
    echo "nmap present: $(nmap --version | head -n 1)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "nmap is missing and apt-get is not available: install nmap with your package manager" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "nmap is missing: run this script as root (apt-get needs it)" >&2
        exit 1
    fi
fi

$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nmap
echo "nmap installed: $(nmap --version | head -n 1)"
