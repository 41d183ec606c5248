#!/usr/bin/env bash
# `npm test`: installs dependencies and builds the web console if needed, makes sure a Kafka broker runs (starts the local
# one from infra/kafka when KAFKA_BROKERS is unset and Java + Maven are present), then runs every
# test tier against PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
# Without a broker the Kafka suites skip with a notice; KAFKA_REQUIRED=1 (CI) makes that a failure.
# Then the fault suite runs alone (see below).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-console.sh
if [ -z "${KAFKA_BROKERS:-}" ]; then
  if command -v java >/dev/null && command -v mvn >/dev/null; then
    bash infra/kafka/kafka.sh start || { [ "${KAFKA_REQUIRED:-0}" = 1 ] && exit 1; echo "NOTICE: local Kafka did not start; Kafka suites will skip" >&2; }
  else
    echo "NOTICE: java/mvn not found: no local Kafka broker; Kafka suites will skip" >&2
  fi
fi
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"
jest() { node node_modules/.bin/jest "$@"; }
# The fault suite (test/faults) kills processes and stops brokers (and, in CI or with
# FAULTS_RESTART_PG=1, restarts the PostgreSQL server), so it runs alone, in band, after the
# others: when no test path is given, or when a given path names it. FAULTS=0 skips it.
# Jest options that take a separate value (`-t name`): that value is not a test path.
wants_faults=0; only_options=1; value_next=0
for a in "$@"; do
  if [ "$value_next" = 1 ]; then value_next=0; continue; fi
  case "$a" in
    *test/faults*) wants_faults=1 ;;
    -t | -c | -w | --testNamePattern | --config | --maxWorkers | --shard | --testTimeout | --seed | --outputFile) value_next=1 ;;
    -*) ;;
    *) only_options=0 ;;
  esac
done
if [ "$wants_faults" = 1 ]; then
  FAULT_SUITE=1 jest --runInBand "$@"
  exit
fi
env -u FAULT_SUITE node node_modules/.bin/jest "$@"
if [ "$only_options" = 1 ] && [ "${FAULTS:-1}" != 0 ]; then
  # test/faults first: an array option among "$@" (--reporters, --testPathIgnorePatterns) would
  # take a path after it as one more of its values.
  FAULT_SUITE=1 jest --runInBand --passWithNoTests test/faults "$@"
fi
