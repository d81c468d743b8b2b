#!/usr/bin/env bash
# The cost of sharding (issue 15): CPU of N shards plus the merge against one run of the same sweep, and the
# time to merge the largest grid. A measured command, not a test: run it on a quiet machine and read the figures.
#
#   cargo build --release && benches/shard_cost.sh [SHARDS] [REPLICATIONS]
#
# 1. A sweep of 1,000 points (40 staffing levels x 25 arrival rates of scenarios/erlang_c_textbook.toml): one run
#    at 1 thread, then SHARDS shards at 1 thread each and the merge; user+system CPU seconds of each, the overhead,
#    the shard files' size and the largest resident memory.
# 2. Merging 10,000 points (100 staffing levels x 100 arrival rates, 2 replications): the merge's wall time and
#    memory (run twice).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/callsim
shards=${1:-4}
replications=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # prints "cpu_seconds max_rss_kib wall_seconds" of the command
  /usr/bin/time -f "%U %S %M %e" -o "$work/time" "$@" >/dev/null
  awk '{ printf "%.2f %d %.2f\n", $1 + $2, $3, $4 }' "$work/time"
}

sweep=(sweep scenarios/erlang_c_textbook.toml --vary agent_groups.agents.count=11:50
  --vary call_types.general.arrivals.per_hour=100:340:10 -r "$replications" --threads 1)
read -r local_cpu local_rss _ < <(measure "$bin" "${sweep[@]}" --out "$work/local")
shard_cpu=0
shard_rss=0
for ((k = 0; k < shards; k++)); do
  read -r cpu rss _ < <(measure "$bin" "${sweep[@]}" --out "$work/sharded" --shard "$k/$shards")
  shard_cpu=$(echo "$shard_cpu + $cpu" | bc)
  ((rss > shard_rss)) && shard_rss=$rss
done
read -r merge_cpu merge_rss _ < <(measure "$bin" merge "$work/sharded")
cmp -s "$work/local/sweep.csv" "$work/sharded/sweep.csv" && same=yes || same=NO
bytes=$(du -cb "$work"/sharded/shards/*.shard | tail -n 1 | cut -f 1)
echo "1,000 points x $replications replications: one run ${local_cpu} s CPU (${local_rss} KiB)"
echo "  $shards shards ${shard_cpu} s CPU (largest ${shard_rss} KiB), merge ${merge_cpu} s (${merge_rss} KiB)"
echo "  overhead $(echo "scale=1; 100 * ($shard_cpu + $merge_cpu - $local_cpu) / $local_cpu" | bc)%;" \
  "shard files $((bytes / 1024)) KiB; sweep.csv identical: $same"

big=(sweep scenarios/erlang_c_textbook.toml --vary agent_groups.agents.count=11:110
  --vary call_types.general.arrivals.per_hour=100:298:2 -r 2 --threads 2)
for ((k = 0; k < shards; k++)); do
  "$bin" "${big[@]}" --out "$work/big" --shard "$k/$shards" >/dev/null
done
read -r cpu rss wall < <(measure "$bin" merge "$work/big")
read -r plain_cpu _ plain_wall < <(measure "$bin" merge "$work/big")
echo "merging 10,000 points x 2 replications: ${wall} s wall, ${cpu} s CPU, ${rss} KiB (again: ${plain_wall} s)"
