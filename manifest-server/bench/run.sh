#!/usr/bin/env bash
# Benchmark of the manifest server against nginx serving a static file of the same size, on
# loopback, with wrk. Run by hand (not in CI):   manifest-server/bench/run.sh
# Needs: cli/target/kivyx-ota.jar (./mvnw -B -DskipTests package), wrk and nginx (apt-get install wrk nginx).
# Each run is bounded: DURATION (default 5s) per case, connection count and round, after a warm-up
# of WARMUP (default 3s) per case and server.
#   ROUNDS (default 3): every case is measured this many times, each round against nginx again;
#     the table shows the median and the min-max spread (the machine is shared and noisy).
#   BASELINE_JAR: another build of the CLI (e.g. the previous commit's) measured in the same run,
#     on the same store, so before/after come from one session.
#   CASES: which cases to run, by index (default all: 0 update, 1 codepush, 2 expo, 3 update 304, 4 index, 5 blob).
#   PROFILE=1: record the servers with JFR for the whole run and print their hottest frames.
#   PIN=1: the servers under test and nginx run on SERVER_CPUS (default 0), wrk on WRK_CPUS
#     (default 1), via taskset, so the load generator does not take cycles from what it measures.
#   RATES (default "20000 40000 60000"): after wrk's rounds, latency at these fixed request rates
#     over RATE_CONNECTIONS (default 256) connections, by fixedrate.c (an open-loop generator built
#     with cc; latency counted from when each request fell due), for the cases of RATE_CASES
#     (default 0, /update). wrk keeps every connection busy, so its latency at 256 connections is
#     256 ÷ throughput for any server; a latency goal is judged below saturation. RATES= skips it.
# nginx runs as many workers as the server has event loops (max(2, the CPUs it may use)), and gets
# the same requests (path aside: the file of the answer's size), headers and all.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/cli/target/kivyx-ota.jar"
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-3s}"
ROUNDS="${ROUNDS:-3}"
BASELINE_JAR="${BASELINE_JAR:-}"
PROFILE="${PROFILE:-0}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64 256}"
SERVER_PORT="${SERVER_PORT:-18181}"
NGINX_PORT="${NGINX_PORT:-18182}"
PIN="${PIN:-0}"
SERVER_CPUS="${SERVER_CPUS:-0}"
WRK_CPUS="${WRK_CPUS:-1}"

RATES="${RATES-20000 40000 60000}"
RATE_CONNECTIONS="${RATE_CONNECTIONS:-256}"
RATE_CASES="${RATE_CASES:-0}"

for tool in java wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk nginx curl)" >&2; exit 1; }
done
for rate in $RATES; do
  [[ "$rate" =~ ^[1-9][0-9]*$ ]] || { echo "bench: RATES holds '$rate', not a positive number of requests per second" >&2; exit 1; }
done
[ -z "$RATES" ] || { [[ "$DURATION" =~ ^[1-9][0-9]*s$ ]] && [[ "$WARMUP" =~ ^[1-9][0-9]*s$ ]]; } \
  || { echo "bench: the fixed-rate phase takes DURATION and WARMUP in seconds (e.g. 5s), not '$DURATION' and '$WARMUP'" >&2; exit 1; }
[ -z "$RATES" ] || command -v cc >/dev/null || { echo "bench: the fixed-rate phase needs a C compiler, cc (or RATES= to skip it)" >&2; exit 1; }
pin_server=(); pin_wrk=()
if [ "$PIN" = 1 ]; then
  command -v taskset >/dev/null || { echo "bench: PIN=1 needs taskset (apt-get install util-linux)" >&2; exit 1; }
  taskset -c "$SERVER_CPUS" true && taskset -c "$WRK_CPUS" true \
    || { echo "bench: SERVER_CPUS=$SERVER_CPUS or WRK_CPUS=$WRK_CPUS is not a CPU list of this machine (0-$(( $(nproc) - 1 )))" >&2; exit 1; }
  pin_server=(taskset -c "$SERVER_CPUS"); pin_wrk=(taskset -c "$WRK_CPUS")
fi
# the server's event loops: max(2, the CPUs its JVM may use); nginx gets as many workers
server_cpus="$("${pin_server[@]}" nproc)"
EVENT_LOOPS=$(( server_cpus < 2 ? 2 : server_cpus ))
[ -f "$jar" ] || { echo "bench: $jar is missing; run ./mvnw -B -DskipTests package first" >&2; exit 1; }

work="$(mktemp -d /tmp/kivyx-bench.XXXXXX)"
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ota() { java -jar "$jar" "$@"; }

if [ -n "$RATES" ]; then
  cc -O2 -o "$work/fixedrate" "$root/manifest-server/bench/fixedrate.c" || { echo "bench: building manifest-server/bench/fixedrate.c failed" >&2; exit 1; }
fi

echo "== publishing 6 releases into $work/store" >&2
ota keys generate --out "$work/keys" --name bench-v1 >/dev/null 2>&1
app=com.example.bench
for i in 1 2 3 4 5 6; do
  {
    echo "/* bench bundle $i */"
    for j in $(seq 1 400); do echo "__d(function(){return $((j * i));},$j);"; done
  } > "$work/bundle-$i.js"
  # later releases reach fewer devices, so answers vary between update targets
  weight=$(( 100 - (i - 1) * 15 ))
  ota publish --store "$work/store" --key "$work/keys/bench-v1.key.pem" --kid bench-v1 --app "$app" --platform android \
    --channel production --runtime-version 1.0.0 --version "1.0.$i" --version-code "$i" --bundle "$work/bundle-$i.js" \
    --weight "$weight" --no-deltas --codepush --expo-asset-base-url "http://127.0.0.1:$SERVER_PORT/" >"$work/publish-$i.json" 2>/dev/null
done
# the update id of the first release: what Expo devices in the bench report running
expo_current="$(sed -n 's/.*"expoUpdateId":"\([^"]*\)".*/\1/p' "$work/publish-1.json")"

start_server() { # label jar port
  local flags=()
  if [ "$PROFILE" = 1 ]; then
    # JFR's profile settings, sampling Java stacks every millisecond instead of every 10
    sed 's/<setting name="period">10 ms<\/setting>/<setting name="period">1 ms<\/setting>/; s/<setting name="period">20 ms<\/setting>/<setting name="period">1 ms<\/setting>/' \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" >"$work/sampling.jfc"
    flags=("-XX:StartFlightRecording=filename=$work/$1.jfr,settings=$work/sampling.jfc,dumponexit=true")
  fi
  echo "== starting the manifest server ($1: $2) on 127.0.0.1:$3" >&2
  "${pin_server[@]}" java -Xms256m -Xmx512m "${flags[@]}" -jar "$2" serve --store "$work/store" --pubkey "$work/keys/bench-v1.pub.pem" --port "$3" \
    --codepush-deployment "bench-deployment-key=$app/android/production" >"$work/server-$1.log" 2>&1 &
  server_pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$3/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$3/readyz" >/dev/null || { echo "bench: the server $1 did not start:" >&2; cat "$work/server-$1.log" >&2; exit 1; }
}
labels=(this); jars=("$jar"); ports=("$SERVER_PORT")
if [ -n "$BASELINE_JAR" ]; then labels+=(before); jars+=("$BASELINE_JAR"); ports+=($((SERVER_PORT + 2))); fi
for i in "${!labels[@]}"; do start_server "${labels[$i]}" "${jars[$i]}" "${ports[$i]}"; done

base="http://127.0.0.1:$SERVER_PORT"
channel_path="/v1/apps/$app/android/channels/production"
update_query="runtimeVersion=1.0.0&currentReleaseId=1.0.1-1"
codepush_query="deployment_key=bench-deployment-key&app_version=1.0.0&label=1.0.1-1"
expo_headers="expo-platform: android|expo-runtime-version: 1.0.0|expo-protocol-version: 1|accept: multipart/mixed,application/expo+json,application/json|expo-current-update-id: $expo_current"
blob_path="/apps/$app/blobs/sha256/$(sha256sum "$work/bundle-6.js" | cut -d' ' -f1)"

curl -sf "$base$channel_path/update?deviceId=bench-device&$update_query" -o "$work/update.json"
etag="$(curl -s -D - -o /dev/null "$base$channel_path/update?deviceId=bench-device&$update_query" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')"
curl -sf "$base$channel_path/index" -o "$work/index.cose"
curl -sf "$base$blob_path" -o "$work/blob.bin"
curl -sf "$base/v0.1/public/codepush/update_check?$codepush_query&client_unique_id=bench-device" -o "$work/update_check.json"
curl_headers=(); IFS='|' read -ra hs <<<"$expo_headers"; for h in "${hs[@]}"; do curl_headers+=(-H "$h"); done
curl -s "${curl_headers[@]}" -H "eas-client-id: bench-device" "$base/v1/apps/$app/expo/manifest" -o "$work/expo.multipart"

echo "== starting nginx on 127.0.0.1:$NGINX_PORT (random files of each answer's size)" >&2
mkdir -p "$work/nginx/html" "$work/nginx/tmp"
for f in update.json index.cose blob.bin update_check.json expo.multipart; do head -c "$(wc -c < "$work/$f")" /dev/urandom > "$work/nginx/html/$f"; done
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $EVENT_LOOPS;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/nginx/html;
    default_type application/octet-stream;
  }
}
CONF
# nginx's workers run as an unprivileged user: mktemp's 0700 directory would make every answer a 403
chmod 755 "$work" "$work/nginx" "$work/nginx/html"
"${pin_server[@]}" nginx -c "$work/nginx/nginx.conf"
sleep 0.5
for f in update.json index.cose blob.bin update_check.json expo.multipart; do
  got="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$NGINX_PORT/$f")"
  [ "$got" = "200 $(wc -c < "$work/$f")" ] || { echo "bench: nginx answers /$f with $got, not 200 and the file's size" >&2; exit 1; }
done

vary="$root/manifest-server/bench/vary.lua"

# one case: name | the nginx file of its size | the request, for vary.lua and fixedrate, ';'-separated
# (nginx gets the same, path aside: the 304 case's tag does not match its file, so it answers 200)
cases=(
  "update 200 (varied)|update.json|REQ_PATH=$channel_path/update?$update_query;VARY_PARAM=deviceId"
  "codepush check (varied)|update_check.json|REQ_PATH=/v0.1/public/codepush/update_check?$codepush_query;VARY_PARAM=client_unique_id"
  "expo manifest (varied)|expo.multipart|REQ_PATH=/v1/apps/$app/expo/manifest;VARY_HEADER=eas-client-id;REQ_HEADERS=$expo_headers"
  "update 304|update.json|REQ_PATH=$channel_path/update?deviceId=bench-device&$update_query;REQ_HEADERS=If-None-Match: $etag"
  "index 200|index.cose|REQ_PATH=$channel_path/index"
  "blob 200 (bundle)|blob.bin|REQ_PATH=$blob_path"
)

# CPU time the processes have used, all their threads included: "user system" in clock ticks
cpu_ticks() { # pid...
  local user=0 system=0 pid u s
  for pid in "$@"; do
    read -r u s < <(awk '{ print $14, $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0 0)
    user=$(( user + u )); system=$(( system + s ))
  done
  echo "$user $system"
}
nginx_pids() { local master; master="$(cat "$work/nginx/nginx.pid")"; echo "$master" $(pgrep -P "$master"); }
ticks_per_second="$(getconf CLK_TCK)"

# prints "req/s p50_ms p99_ms non2xx cpu_us_per_request user_cpu_us_per_request": the CPU the
# server under test spent per answer, which other load on a shared machine changes far less than req/s
measure() { # connections url "pids of the server under test" env...
  local connections="$1" url="$2" pids="$3"; shift 3
  local before after out
  before="$(cpu_ticks $pids)"
  out="$(env "$@" "${pin_wrk[@]}" wrk -t"$THREADS" -c"$connections" -d"$DURATION" --latency -s "$vary" "$url" 2>/dev/null)"
  after="$(cpu_ticks $pids)"
  read -r user_before system_before <<<"$before"; read -r user_after system_after <<<"$after"
  awk -v ticks=$(( user_after + system_after - user_before - system_before )) -v user=$(( user_after - user_before )) -v hz="$ticks_per_second" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /requests in/ { n = $1 }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %s %.2f %.2f\n", rps, p50, p99, (bad == "" ? 0 : bad), (n > 0 ? ticks * 1e6 / hz / n : 0), (n > 0 ? user * 1e6 / hz / n : 0) }' <<<"$out"
}

echo "== warming up (JIT): every case for $WARMUP per server" >&2
for i in "${!labels[@]}"; do
  for k in ${CASES:-${!cases[@]}}; do
    IFS='|' read -r _ _ envs <<<"${cases[$k]}"; IFS=';' read -ra envs <<<"$envs"
    DURATION="$WARMUP" measure 64 "http://127.0.0.1:${ports[$i]}" "${server_pids[$i]}" "${envs[@]}" >/dev/null
  done
done

# raw results: round case conns who rps p50 p99 bad cpu_us user_cpu_us (who = nginx or a server label)
results="$work/results.txt"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  for c in $CONNECTIONS; do
    for k in ${CASES:-${!cases[@]}}; do
      IFS='|' read -r name file envs <<<"${cases[$k]}"; IFS=';' read -ra envs <<<"$envs"
      # nginx serves the file for every path: the case's own request with REQ_PATH the file's
      echo "$round $k $c nginx $(measure "$c" "http://127.0.0.1:$NGINX_PORT" "$(nginx_pids)" "${envs[@]}" REQ_PATH="/$file")" >>"$results"
      for i in "${!labels[@]}"; do
        echo "$round $k $c ${labels[$i]} $(measure "$c" "http://127.0.0.1:${ports[$i]}" "${server_pids[$i]}" "${envs[@]}")" >>"$results"
      done
    done
  done
done

# one fixed-rate run: "achieved p50 p90 p99 p99.9 max failed lateness_p99" (fixedrate's line)
at_rate() { # port rate env...
  local port="$1" rate="$2"; shift 2
  env "$@" "${pin_wrk[@]}" "$work/fixedrate" -a "127.0.0.1:$port" -r "$rate" -d "${DURATION%s}" -c "$RATE_CONNECTIONS"
}
# raw results: round case rate who achieved p50 p90 p99 p99.9 max failed lateness_p99
rate_results="$work/rate-results.txt"
: >"$rate_results"
if [ -n "$RATES" ]; then
  # wrk's warm-up compiled the paths of busy connections; idle ones wake the event loops another way
  top_rate="$(tr ' ' '\n' <<<"$RATES" | sort -n | tail -1)"
  echo "== warming up at $top_rate req/s: every fixed-rate case for $WARMUP per server" >&2
  for i in "${!labels[@]}"; do
    for k in $RATE_CASES; do
      IFS='|' read -r _ _ envs <<<"${cases[$k]}"; IFS=';' read -ra envs <<<"$envs"
      DURATION="$WARMUP" at_rate "${ports[$i]}" "$top_rate" "${envs[@]}" >/dev/null
    done
  done
fi
for round in $( [ -n "$RATES" ] && seq 1 "$ROUNDS"); do
  echo "== fixed rates, round $round of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  for rate in $RATES; do
    for k in $RATE_CASES; do
      IFS='|' read -r _ file envs <<<"${cases[$k]}"; IFS=';' read -ra envs <<<"$envs"
      got="$(at_rate "$NGINX_PORT" "$rate" "${envs[@]}" REQ_PATH="/$file")"; echo "$round $k $rate nginx $got" >>"$rate_results"
      for i in "${!labels[@]}"; do
        got="$(at_rate "${ports[$i]}" "$rate" "${envs[@]}")"; echo "$round $k $rate ${labels[$i]} $got" >>"$rate_results"
      done
    done
  done
done

if [ "$PROFILE" = 1 ]; then
  for pid in "${server_pids[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
  server_pids=()
  for l in "${labels[@]}"; do
    echo; echo "hottest frames of $l (JFR execution samples, top frame; then the frames most often on the stack):"
    jfr print --events jdk.ExecutionSample "$work/$l.jfr" | awk '
      /stackTrace = \[/ { depth = 0; next }
      /line:/ { f = $1; depth++; if (depth == 1) top[f]++; if (!(f in seen)) { all[f]++; seen[f] = 1 } next }
      /^}/ { delete seen; n++ }
      END { for (f in top) printf "top %6.2f%% %s\n", 100 * top[f] / n, f; for (f in all) printf "any %6.2f%% %s\n", 100 * all[f] / n, f }' \
      | sort -k1,1 -k2,2nr | awk '{ c[$1]++; if (c[$1] <= 25) print }'
  done
fi

printf "\n%-24s %5s %-7s %22s %19s %19s %12s %22s %10s\n" "case" "conns" "server" "req/s med (min-max)" "p99 ms med (max)" "× nginx med (min-max)" "CPU µs/req" "CPU: nginx ÷ this (min-max)" "user µs/req"
for k in ${CASES:-${!cases[@]}}; do
  IFS='|' read -r name _ <<<"${cases[$k]}"
  for c in $CONNECTIONS; do
    for l in nginx "${labels[@]}"; do
      awk -v k="$k" -v c="$c" -v l="$l" -v name="$name" '
        function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        $2 == k && $3 == c && $4 == "nginx" { ng[$1] = $5; ngcpu[$1] = $9 }
        $2 == k && $3 == c && $4 == l { n++; rps[n] = $5; p99[n] = $7; round[n] = $1; bad += $8; cpu[n] = $9; usr[n] = $10 }
        END {
          for (i = 1; i <= n; i++) { r2[i] = rps[i] / ng[round[i]]; q[i] = p99[i]; r[i] = rps[i]; u[i] = cpu[i]; e[i] = (cpu[i] > 0 ? ngcpu[round[i]] / cpu[i] : 0) }
          mr = median(r, n); mq = median(q, n); mx = median(r2, n); mu = median(u, n); me = median(e, n); mus = median(usr, n)
          printf "%-24s %5s %-7s %9.0f (%5.0f-%5.0f) %9.2f (%6.2f) %8.2f (%4.2f-%4.2f) %12.2f %12.2f (%4.2f-%4.2f) %10.2f%s\n", name, c, l, mr, r[1], r[n], mq, q[n], mx, r2[1], r2[n], mu, me, e[1], e[n], mus, (bad > 0 ? "  (" bad " non-2xx/3xx)" : "")
        }' "$results"
    done
  done
done
if [ -s "$rate_results" ]; then
  printf "\nlatency at fixed rates, %s connections (fixedrate; ms from when each request was due; median of %s rounds, max in brackets)\n" "$RATE_CONNECTIONS" "$ROUNDS"
  printf "%-24s %7s %-7s %10s %7s %16s %16s %9s %6s %16s\n" "case" "rate" "server" "achieved" "p50" "p99" "p99.9" "max" "failed" "generator late p99"
  for k in $RATE_CASES; do
    IFS='|' read -r name _ <<<"${cases[$k]}"
    for rate in $RATES; do
      for l in nginx "${labels[@]}"; do
        awk -v k="$k" -v rate="$rate" -v l="$l" -v name="$name" '
          function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
          function top(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
          $2 == k && $3 == rate && $4 == l { n++; got[n] = $5; p50[n] = $6; p99[n] = $8; p999[n] = $9; mx[n] = $10; failed += $11; late[n] = $12 }
          END {
            if (n == 0) exit
            printf "%-24s %7s %-7s %10.0f %7.2f %7.2f (%6.2f) %7.2f (%6.2f) %9.2f %6d %9.2f (%5.2f)\n", name, rate, l, median(got, n), median(p50, n), median(p99, n), top(p99, n), median(p999, n), top(p999, n), top(mx, n), failed, median(late, n), top(late, n)
          }' "$rate_results"
      done
    done
  done
  echo "achieved below the rate: the server (or the generator) could not keep it; its latency then grows with the run."
  echo "generator late: how late fixedrate sent requests whose connection was free when they fell due;"
  echo "that much of every latency above is the generator's own."
fi
echo
echo "answers: update $(wc -c < "$work/update.json") B, CodePush check $(wc -c < "$work/update_check.json") B, Expo multipart $(wc -c < "$work/expo.multipart") B,"
echo "index $(wc -c < "$work/index.cose") B, blob $(wc -c < "$work/blob.bin") B; nginx ($EVENT_LOOPS workers = the server's event loops) serves random files of those sizes."
echo "$ROUNDS rounds of $DURATION per case; each ratio is against nginx measured in the same round. wrk $THREADS threads."
echo "CPU µs/req: user + system time of the server's process (nginx: master and workers) over the requests wrk completed"
echo "(user µs/req: the part spent outside the kernel);"
echo "nginx ÷ this above 1 means the server spent less CPU per answer than nginx did."
if [ "$PIN" = 1 ]; then
  echo "Pinned: servers and nginx on CPUs $SERVER_CPUS, wrk on CPUs $WRK_CPUS (of $(nproc)); loopback only."
else
  echo "Server, nginx and wrk share this machine's $(nproc) cores; loopback only."
fi
echo "Load average (1, 5, 15 min) at the first round: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
