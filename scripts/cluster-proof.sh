#!/usr/bin/env bash
# The cluster's proof (README "The cluster under faults"): builds the jar, then runs the tests that
# start three nodes from it on PostgreSQL under live fake feeds and a pushing client, and prints
# each one's figures:
#   ClusterKillIT       kill -9 of a node, and of the oldest (the singletons' node), under a binance
#                       websocket feed and a naver crawler (a fake Naver; the crawler's clock set to a
#                       session with TICKWATCH_NAVER_CLOCK_START(_AT), so it runs at any hour)
#   ClusterPartitionIT  a network partition in network namespaces (needs root)
#   ClusterRollingIT    growing 1 -> 3, a rolling restart with SIGTERM, shrinking back
#   BootstrapLeaveIT    Cluster Bootstrap forming a cluster, a graceful leave on SIGTERM
# Usage: scripts/cluster-proof.sh [IT,IT...]     (default: all four; about 15-20 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
tests=${1:-ClusterKillIT,ClusterPartitionIT,ClusterRollingIT,BootstrapLeaveIT}
export TICKWATCH_REQUIRE_POSTGRES=true
[ "$(id -u)" = 0 ] && export TICKWATCH_REQUIRE_NETNS=true
status=0
mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$tests" || status=$?
for t in ${tests//,/ }; do
  echo "== $t"
  grep -h "$t]" "target/failsafe-reports/engine.$t-output.txt" 2>/dev/null || echo "(no figures: see target/failsafe-reports/)"
done
exit $status
