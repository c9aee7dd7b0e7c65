#!/usr/bin/env bash
# Install a benchmark's reference tool from the distribution's packages if it is missing:
#   bench/install-tool.sh COMMAND [PACKAGE]   (PACKAGE defaults to COMMAND)
# Idempotent: does nothing when COMMAND is already on PATH. Needs root or sudo for apt-get.
set -euo pipefail

tool=${1:?usage: install-tool.sh COMMAND [PACKAGE]}
package=${2:-$tool}

if command -v "$tool" >/dev/null 2>&1; then
    echo "$tool present: $("$tool" --version | head -n 1)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "$tool is missing and apt-get is not available: install $package with your package manager" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "$tool is missing: run this script as root (apt-get needs it)" >&2
        exit 1
    fi
fi

# wireshark-common (pulled in by tshark) asks whether non-root users may capture; answer "no"
# up front so the install never stops at a prompt (the benchmark only reads files).
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package"
echo "$tool installed: $("$tool" --version | head -n 1)"
