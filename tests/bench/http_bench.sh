#!/usr/bin/env bash
# HTTP benchmark of the kernel beside nginx, in the same run on the same machine.
#   tests/bench/http_bench.sh BUILD_DIR [SECONDS]
# For each of nginx (a static file holding the same bytes) and the kernel (a small JSON
# route through the whole middleware: routing, request id, worker pool, plugin gate,
# metrics, security headers), at 64 and 512 keep-alive connections: requests/s, p99,
# errors, and the time a fresh client waits for one request during the load. Then the
# kernel's cold start with every bundled plugin and its idle resident memory (a first start on an
# empty database also loads the demo data, the items plugin's demo catalogue among it). Then the
# items plugin: a guide beside nginx, and the whole catalogue's export and dry-run import.
set -euo pipefail
build=$(cd "$1" && pwd)
secs=${2:-10}
work=$(mktemp -d /tmp/wangban-bench.XXXXXX)
chmod 755 "$work"
kernel_pid= nginx_pid=
cleanup() {
  [ -n "$kernel_pid" ] && kill "$kernel_pid" 2>/dev/null && wait "$kernel_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && { echo "$p"; return; }
  done
}
wait_http() {  # wait_http URL: until it answers 200, at most 30 s
  for _ in $(seq 1 3000); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.01
  done
  echo "no answer from $1" >&2
  return 1
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

plugins=$(cd "$build/plugins" && ls libwangban-plugin-*.so | sed -E 's/^libwangban-plugin-(.*)\.so$/"\1"/' | paste -sd, -)
write_config() {  # write_config PORT VARDIR
  cat >"$work/platform.toml" <<TOML
var_dir = "$2"
[log]
level = "warn"
[server]
host = "127.0.0.1"
port = $1
[database]
demo_data = true
[plugins]
directory = "$build/plugins"
enabled = [$plugins]
TOML
}

# --- cold start and idle memory (five fresh starts, each on an empty database) ---
starts=()
for i in 1 2 3 4 5; do
  port=$(free_port)
  write_config "$port" "$work/var-start-$i"
  t0=$(date +%s%N)
  "$build/bin/wangban" serve --config "$work/platform.toml" >"$work/start.log" 2>&1 &
  kernel_pid=$!
  wait_http "http://127.0.0.1:$port/readyz"
  starts+=("$(ms_since "$t0")")
  if [ "$i" -lt 5 ]; then kill "$kernel_pid"; wait "$kernel_pid" || true; kernel_pid=; fi
done
sorted=$(printf '%s\n' "${starts[@]}" | sort -n | paste -sd' ')
median_start=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n 3p)
sleep 1
idle_rss_kb=$(awk '/VmRSS/{print $2}' "/proc/$kernel_pid/status")
kernel_port=$port

# --- nginx serving the same bytes ---
curl -fs "http://127.0.0.1:$kernel_port/api/greeting/hello" >"$work/hello.json"
guide_path=/api/items/catalogue/330106004200040000101
curl -fs "http://127.0.0.1:$kernel_port$guide_path" >"$work/guide.json"
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes $(nproc);
error_log $work/nginx/error.log warn;
pid $work/nginx/nginx.pid;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port reuseport;
    location = /hello.json { root $work; default_type application/json; }
    location = /guide.json { root $work; default_type application/json; }
  }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
wait_http "http://127.0.0.1:$nginx_port/hello.json"

# load NAME URL CONNS: wrk for $secs seconds; meanwhile a fresh client times one request (5 times)
results=()
load() {
  local name=$1 url=$2 conns=$3 out="$work/wrk-$1-$3.txt"
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$url" >"$out" 2>&1 &
  local wrk_pid=$! fresh=0 t
  sleep $((secs / 3))
  for _ in 1 2 3 4 5; do
    t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 "$url" || echo 5)
    t=$(awk -v t="$t" 'BEGIN{printf "%d", t*1000}')
    [ "$t" -gt "$fresh" ] && fresh=$t
    sleep 0.2
  done
  wait "$wrk_pid"
  local rps p99 errors non2xx
  rps=$(awk '/Requests\/sec/{printf "%d", $2}' "$out")
  p99=$(awk '$1=="99%"{print $2}' "$out")
  errors=$(awk '/Socket errors/{gsub(",","");s=0;for(i=4;i<=NF;i+=2)s+=$i;print s}' "$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' "$out")
  results+=("$name|$conns|$rps|$p99|${errors:-0}|${non2xx:-0}|$fresh")
}

kernel_url="http://127.0.0.1:$kernel_port/api/greeting/hello"
nginx_url="http://127.0.0.1:$nginx_port/hello.json"
for conns in 64 512; do
  load nginx "$nginx_url" "$conns"
  load kernel "$kernel_url" "$conns"
  # A blocking route: a SQLite read on the worker pool (demo greeting 1), for comparison.
  load kernel-db "http://127.0.0.1:$kernel_port/api/greeting/greetings/1" "$conns"
done
# The items plugin: one guide (办事指南) assembled from the base entry's and the implementation's
# versions in force, beside nginx serving the same bytes.
load nginx-guide "http://127.0.0.1:$nginx_port/guide.json" 64
load items-guide "http://127.0.0.1:$kernel_port$guide_path" 64
token=$(head -n 1 "$work/var-start-5/admin-token")
t0=$(date +%s%N)
curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$kernel_port/api/items/admin/export?format=json" >"$work/catalogue.json"
export_ms=$(ms_since "$t0")
printf '{"format":"json","dry_run":true,"document":' >"$work/import.json"
cat "$work/catalogue.json" >>"$work/import.json"
printf '}' >>"$work/import.json"
t0=$(date +%s%N)
curl -fs -H "Authorization: Bearer $token" -H "Content-Type: application/json" --data-binary @"$work/import.json" \
  "http://127.0.0.1:$kernel_port/api/items/admin/import" >/dev/null
import_ms=$(ms_since "$t0")
loaded_rss_kb=$(awk '/VmRSS/{print $2}' "/proc/$kernel_pid/status")

echo
echo "Wangban kernel vs nginx — same machine, same run ($(nproc) cores, wrk -t2, ${secs}s per load)"
echo "kernel: GET /api/greeting/hello ($(wc -c <"$work/hello.json") bytes of JSON, non-blocking route on the event loop)"
echo "nginx: a static file of the same bytes; kernel-db: GET /api/greeting/greetings/1 (SQLite read on the worker pool)"
printf '%-9s %6s %12s %10s %8s %8s %14s\n' server conns "requests/s" p99 errors non-2xx "fresh client"
for r in "${results[@]}"; do
  IFS='|' read -r name conns rps p99 errors non2xx fresh <<<"$r"
  printf '%-9s %6s %12s %10s %8s %8s %11s ms\n' "$name" "$conns" "$rps" "$p99" "$errors" "$non2xx" "$fresh"
done
for conns in 64 512; do
  n=$(printf '%s\n' "${results[@]}" | awk -F'|' -v c="$conns" '$1=="nginx"&&$2==c{print $3}')
  k=$(printf '%s\n' "${results[@]}" | awk -F'|' -v c="$conns" '$1=="kernel"&&$2==c{print $3}')
  echo "kernel/nginx at $conns connections: $(awk -v k="$k" -v n="$n" 'BEGIN{printf "%.0f%%", 100*k/n}') (target at 64: >= 50%)"
done
echo "items: guide $(wc -c <"$work/guide.json") bytes (nginx-guide: the same bytes as a file); whole catalogue ($(wc -c <"$work/catalogue.json") bytes): export ${export_ms} ms, dry-run import (every rule checked, written, rolled back) ${import_ms} ms"
echo "cold start with all bundled plugins ($plugins) to /readyz: median ${median_start} ms (runs: $sorted; target < 300 ms)"
echo "idle RSS: $((idle_rss_kb / 1024)) MB (target < 60 MB); after the loads: $((loaded_rss_kb / 1024)) MB"
