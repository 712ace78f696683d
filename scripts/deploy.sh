#!/usr/bin/env bash
# Register bimtek's deployments on a Prefect server: create the process work pool when missing, deploy every
# deployment in prefect.yaml, then (optionally) attach each given region's calendar schedules.
#
#   PREFECT_API_URL=http://server:4200/api scripts/deploy.sh [regions/kab-x.yaml ...]
#
# Safe to re-run: deployments are updated in place and keep their schedules; schedules are upserted by slug.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PREFECT_API_URL:?set PREFECT_API_URL to the server, e.g. http://127.0.0.1:4200/api}"
POOL="${BIMTEK_WORK_POOL:-bimtek-process}"

if ! uv run prefect work-pool inspect "$POOL" >/dev/null 2>&1; then
  uv run prefect work-pool create "$POOL" --type process
fi
uv run prefect --no-prompt deploy --all
for region in "$@"; do
  uv run bimtek schedules --region "$region" --apply
done
