#!/usr/bin/env bash
# `npm start`: installs dependencies if needed, builds the web console if needed, then serves the API on the embedded default
# (PGlite in .data/pglite, projections fed in-process) unless DATABASE_URL / KAFKA_BROKERS are set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-console.sh
exec node node_modules/.bin/tsx services/api/main.ts
