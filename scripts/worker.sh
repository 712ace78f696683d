#!/usr/bin/env bash
# Start one process worker for bimtek on this machine (run as many machines as you like against one server).
#
#   PREFECT_API_URL=http://server:4200/api scripts/worker.sh [extra `prefect worker start` options, e.g. --limit 2]
#
# Flow runs start in this clone (BIMTEK_HOME, default: this folder) with this clone's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PREFECT_API_URL:?set PREFECT_API_URL to the server, e.g. http://127.0.0.1:4200/api}"
export BIMTEK_HOME="${BIMTEK_HOME:-$PWD}"
exec uv run prefect worker start --pool "${BIMTEK_WORK_POOL:-bimtek-process}" --name "bimtek-$(hostname)" "$@"
