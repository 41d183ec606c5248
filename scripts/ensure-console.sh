#!/usr/bin/env bash
# Builds the web console (services/console → services/console/dist, Vite) when it has not been
# built yet or something it is built from is newer than the build: its sources, the contract (its
# generated types, reference data and the modules it imports) or the locked dependencies.
# `npm start` and `npm test` call it; `npm run console:build` always builds. Without Vite (an
# install without dev dependencies) it says so and leaves the API to serve what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
built=services/console/dist/index.html
if [ -f "$built" ] && [ -z "$(find services/console contracts package-lock.json -newer "$built" -type f \
  -not -path 'services/console/dist/*' -not -path 'services/console/screenshots/*' -print -quit)" ]; then
  exit 0
fi
if [ ! -x node_modules/.bin/vite ]; then
  echo "NOTICE: Vite is not installed (dev dependencies omitted?): the web console is not rebuilt" >&2
  exit 0
fi
echo "building the web console (vite)..." >&2
npm run -s console:build
