#!/usr/bin/env bash
# `npm start`: installs dependencies if needed, then serves the API on the embedded default
# (PGlite in .data/pglite, projections fed in-process) unless DATABASE_URL / KAFKA_BROKERS are set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec node node_modules/.bin/tsx services/api/main.ts
