#!/usr/bin/env bash
# Install Debian's Node.js and npm: the local run keeps its data in dynalite, a Node.js program.
set -euo pipefail
if command -v npm >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "Node.js is missing: install Debian's packages 'nodejs' and 'npm', or run with ARGS=--memory" >&2; exit 1
  fi
fi
${SUDO:-} apt-get update -qq
DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
node --version
