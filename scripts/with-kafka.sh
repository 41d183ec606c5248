#!/usr/bin/env bash
# Runs a command with a Kafka broker (npm run bench, npm run soak): installs dependencies when
# missing; uses KAFKA_BROKERS when set, otherwise starts the local broker (infra/kafka) and stops
# it again afterwards if it was not running before.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
started=""
if [ -z "${KAFKA_BROKERS:-}" ]; then
  if ! bash infra/kafka/kafka.sh status >/dev/null 2>&1; then
    bash infra/kafka/kafka.sh start
    started=1
  fi
  export KAFKA_BROKERS=127.0.0.1:9092
fi
trap '[ -n "$started" ] && bash infra/kafka/kafka.sh stop >/dev/null || true' EXIT
"$@"
