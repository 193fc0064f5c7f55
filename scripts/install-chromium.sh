#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (Playwright drives it via executable_path).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "chromium is missing: install Debian's package 'chromium' (apt-get install chromium)" >&2; exit 1
  fi
fi
${SUDO:-} apt-get update -qq
DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
chromium --version
