#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, combined broker+controller) without Docker.
#   infra/kafka/kafka.sh fetch   resolve kafka_2.13 + slf4j binding from Maven Central into a cached folder
#   infra/kafka/kafka.sh start   fetch if needed, format storage once, start on 127.0.0.1, wait until ready
#   infra/kafka/kafka.sh stop    stop the broker started by `start`
#   infra/kafka/kafka.sh status  print whether it runs
# Env: KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_CACHE (jar cache),
#      STACK_DIR (data, logs and pid; default <repo>/.stack), KAFKA_READY_TIMEOUT_S (90).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
cache=${KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftz-kafka/$version}
stack=${STACK_DIR:-$repo/.stack}
port=${KAFKA_PORT:-9092}
cport=${KAFKA_CONTROLLER_PORT:-9093}
data=$stack/kafka-data
pidfile=$stack/kafka.pid
log=$stack/kafka.log

fetch() {
  if [ -f "$cache/.complete" ]; then return 0; fi
  mkdir -p "$cache"
  echo "kafka: resolving org.apache.kafka:kafka_2.13:$version from Maven Central into $cache" >&2
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$cache/libs" -DincludeScope=runtime -Dmdep.overWriteReleases=false
  touch "$cache/.complete"
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

write_config() {
  mkdir -p "$data"
  cat > "$stack/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
  cat > "$stack/log4j.properties" <<PROPS
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
PROPS
}

java_cmd() {
  java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$stack/log4j.properties" -cp "$cache/libs/*" "$@"
}

start() {
  if running; then echo "kafka: already running (pid $(cat "$pidfile")) on 127.0.0.1:$port" >&2; return 0; fi
  # Something else on the port (a broker left over from another stack folder) would answer the
  # readiness probe for a broker that never started.
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "kafka: 127.0.0.1:$port is already in use by another process; stop it or set KAFKA_PORT" >&2; exit 1
  fi
  fetch
  write_config
  if [ ! -f "$data/meta.properties" ]; then
    java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$stack/server.properties" --ignore-formatted >/dev/null
  fi
  local t0=$SECONDS
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$stack/log4j.properties" -cp "$cache/libs/*" \
    kafka.Kafka "$stack/server.properties" >>"$log" 2>&1 &
  echo $! > "$pidfile"
  if ! KAFKA_BROKERS="127.0.0.1:$port" node "$repo/node_modules/.bin/tsx" "$here/ready.ts" \
      || ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "kafka: not ready (or another process holds 127.0.0.1:$port); last log lines:" >&2; tail -20 "$log" >&2; exit 1
  fi
  echo "kafka: ready on 127.0.0.1:$port after $((SECONDS - t0)) s (pid $(cat "$pidfile"))" >&2
}

stop() {
  if ! running; then rm -f "$pidfile"; echo "kafka: not running" >&2; return 0; fi
  local pid; pid=$(cat "$pidfile")
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"
  echo "kafka: stopped" >&2
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running pid $(cat "$pidfile") port $port"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
