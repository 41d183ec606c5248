#!/usr/bin/env bash
# Builds the web console (services/console → services/console/dist, Vite) when it has not been
# built yet or a source of it (its files, the contract's generated types and reference data) is
# newer than the build. `npm start` and `npm test` call it; `npm run console:build` always builds.
set -euo pipefail
cd "$(dirname "$0")/.."
built=services/console/dist/index.html
if [ ! -f "$built" ] || [ -n "$(find services/console contracts/generated contracts/identifiers -newer "$built" -type f -not -path 'services/console/dist/*' -print -quit)" ]; then
  echo "building the web console (vite)..." >&2
  npm run -s console:build
fi
