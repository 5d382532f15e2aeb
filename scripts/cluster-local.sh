#!/usr/bin/env bash
# Three (or N) tickwatch nodes from target/tickwatch.jar on one machine and one PostgreSQL database:
# each with its own HTTP port, cluster port and data directory, node 1 the first seed. For trying
# failover by hand (README "The cluster under faults"); the tests that prove it are the Cluster*IT.
#
#   scripts/cluster-local.sh start [N]     start nodes 1..N (default 3), wait until each is ready
#   scripts/cluster-local.sh status        each node's /ready
#   scripts/cluster-local.sh kill K        kill -9 node K (the failover case)
#   scripts/cluster-local.sh stop [K]      SIGTERM node K, or every node (a graceful leave)
#   scripts/cluster-local.sh restart K     start node K again on its data directory
#
# Node K: HTTP 127.0.0.1:$((8080+K)), cluster port $((25520+K)), files under $TICKWATCH_CLUSTER_DIR/nodeK
# (default ./cluster). The database: TICKWATCH_DB_URL (default jdbc:postgresql://127.0.0.1:5432/test),
# TICKWATCH_DB_USER (postgres), TICKWATCH_DB_SCHEMA (tickwatch_cluster; created when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/tickwatch.jar
DIR=${TICKWATCH_CLUSTER_DIR:-cluster}
export TICKWATCH_DB=postgres
export TICKWATCH_DB_URL=${TICKWATCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/test}
export TICKWATCH_DB_USER=${TICKWATCH_DB_USER:-postgres}
export TICKWATCH_DB_SCHEMA=${TICKWATCH_DB_SCHEMA:-tickwatch_cluster}
N=$( (ls -d "$DIR"/node* 2>/dev/null || true) | wc -l)

seeds() {
  local s="" k
  for k in $(seq 1 "${1:-3}"); do s="$s${s:+,}pekko://tickwatch@127.0.0.1:$((25520 + k))"; done
  echo "$s"
}

start_node() {
  local k=$1 total=$2
  mkdir -p "$DIR/node$k"
  TICKWATCH_HTTP_PORT=$((8080 + k)) TICKWATCH_PORT=$((25520 + k)) TICKWATCH_DATA_DIR="$DIR/node$k/data" \
    TICKWATCH_CONDITIONS="$DIR/node$k/conditions.json" TICKWATCH_SEED_NODES="$(seeds "$total")" \
    nohup java -Xmx1g -jar "$JAR" run >"$DIR/node$k/out.log" 2>&1 &
  echo $! >"$DIR/node$k/pid"
  echo "node $k: pid $!, http://127.0.0.1:$((8080 + k)), log $DIR/node$k/out.log"
}

await_ready() {
  local k=$1 i
  for i in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$((8080 + k))/ready" >/dev/null; then echo "node $k ready"; return 0; fi
    sleep 1
  done
  echo "node $k not ready after 120 s: see $DIR/node$k/out.log" >&2
  return 1
}

case "${1:-}" in
  start)
    [ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 1; }
    total=${2:-3}
    for k in $(seq 1 "$total"); do start_node "$k" "$total"; [ "$k" = 1 ] && await_ready 1; done
    for k in $(seq 2 "$total"); do await_ready "$k"; done ;;
  status)
    for k in $(seq 1 "$N"); do
      printf 'node %s: ' "$k"; curl -s "http://127.0.0.1:$((8080 + k))/ready" || printf 'down'; echo
    done ;;
  kill) kill -9 "$(cat "$DIR/node$2/pid")" && echo "node $2 killed (SIGKILL)" ;;
  stop)
    for k in ${2:-$(seq 1 "$N")}; do
      kill -TERM "$(cat "$DIR/node$k/pid")" 2>/dev/null && echo "node $k: SIGTERM (graceful leave)" || true
    done ;;
  restart) start_node "$2" "$N"; await_ready "$2" ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
