#!/usr/bin/env bash
# Benchmark of the manifest server against nginx serving a static file of the same size, on
# loopback, with wrk. Run by hand (not in CI):   manifest-server/bench/run.sh
# Needs: cli/target/kivyx-ota.jar (./mvnw -B -DskipTests package), wrk and nginx (apt-get install wrk nginx).
# Each run is bounded: DURATION (default 10s) per case and connection count, after one warm-up.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/cli/target/kivyx-ota.jar"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64 256}"
SERVER_PORT="${SERVER_PORT:-18181}"
NGINX_PORT="${NGINX_PORT:-18182}"

for tool in java wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk nginx curl)" >&2; exit 1; }
done
[ -f "$jar" ] || { echo "bench: $jar is missing; run ./mvnw -B -DskipTests package first" >&2; exit 1; }

work="$(mktemp -d /tmp/kivyx-bench.XXXXXX)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ota() { java -jar "$jar" "$@"; }

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

echo "== starting the manifest server on 127.0.0.1:$SERVER_PORT" >&2
java -Xms256m -Xmx512m -jar "$jar" serve --store "$work/store" --pubkey "$work/keys/bench-v1.pub.pem" --port "$SERVER_PORT" \
  --codepush-deployment "bench-deployment-key=$app/android/production" >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$SERVER_PORT"
channel="$base/v1/apps/$app/android/channels/production"
for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "$base/readyz" >/dev/null || { echo "bench: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

update_query="runtimeVersion=1.0.0&currentReleaseId=1.0.1-1"
curl -s "$channel/update?deviceId=bench-device&$update_query" -o "$work/update.json"
etag="$(curl -s -D - -o /dev/null "$channel/update?deviceId=bench-device&$update_query" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')"
curl -s "$channel/index" -o "$work/index.cose"
codepush_query="deployment_key=bench-deployment-key&app_version=1.0.0&label=1.0.1-1"
curl -s "$base/v0.1/public/codepush/update_check?$codepush_query&client_unique_id=bench-device" -o "$work/update_check.json"
expo_headers=(-H "expo-platform: android" -H "expo-runtime-version: 1.0.0" -H "expo-protocol-version: 1" -H "accept: multipart/mixed,application/expo+json,application/json")
curl -s "${expo_headers[@]}" -H "eas-client-id: bench-device" "$base/v1/apps/$app/expo/manifest" -o "$work/expo.multipart"
expo_size=$(wc -c < "$work/expo.multipart")
update_size=$(wc -c < "$work/update.json")
update_check_size=$(wc -c < "$work/update_check.json")
index_size=$(wc -c < "$work/index.cose")

echo "== starting nginx on 127.0.0.1:$NGINX_PORT (static files of $update_size and $index_size bytes)" >&2
mkdir -p "$work/nginx/html" "$work/nginx/tmp"
head -c "$update_size" /dev/urandom > "$work/nginx/html/update.bin"
head -c "$index_size" /dev/urandom > "$work/nginx/html/index.bin"
head -c "$update_check_size" /dev/urandom > "$work/nginx/html/update_check.bin"
head -c "$expo_size" /dev/urandom > "$work/nginx/html/expo.bin"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
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
nginx -c "$work/nginx/nginx.conf"
sleep 0.5

# /update with a new deviceId per request (the decision runs every time)
cat > "$work/update.lua" <<'LUA'
local n = 0
local prefix = os.getenv("UPDATE_PATH")
request = function()
  n = n + 1
  return wrk.format("GET", prefix .. "&deviceId=d-" .. n .. "-" .. math.random(1000000))
end
LUA
# CodePush update_check with a new client_unique_id per request (the same decision, another answer format)
cat > "$work/update_check.lua" <<'LUA'
local n = 0
local prefix = os.getenv("UPDATE_CHECK_PATH")
request = function()
  n = n + 1
  return wrk.format("GET", prefix .. "&client_unique_id=d-" .. n .. "-" .. math.random(1000000))
end
LUA
# Expo manifest checks as expo-updates sends them, a new EAS-Client-ID per request
cat > "$work/expo.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/apps/$app/expo/manifest", {
    ["expo-platform"] = "android", ["expo-runtime-version"] = "1.0.0", ["expo-protocol-version"] = "1",
    ["accept"] = "multipart/mixed,application/expo+json,application/json",
    ["expo-current-update-id"] = "$expo_current",
    ["eas-client-id"] = "d-" .. n .. "-" .. math.random(1000000) })
end
LUA
# /update revalidated with its ETag: 304 answers
cat > "$work/update304.lua" <<LUA
wrk.headers["If-None-Match"] = '$etag'
LUA

# prints "req/s p50_ms p99_ms"
measure() {
  local connections="$1"; shift
  wrk -t"$THREADS" -c"$connections" -d"$DURATION" --latency "$@" 2>/dev/null | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}

export UPDATE_PATH="/v1/apps/$app/android/channels/production/update?$update_query"
export UPDATE_CHECK_PATH="/v0.1/public/codepush/update_check?$codepush_query"
echo "== warming up (JIT) for 5s" >&2
wrk -t"$THREADS" -c64 -d5s -s "$work/update.lua" "$base" >/dev/null 2>&1

printf "\n%-22s %5s %10s %9s %9s %10s %8s\n" "case" "conns" "req/s" "p50 ms" "p99 ms" "nginx r/s" "ratio"
for c in $CONNECTIONS; do
  read -r nginx_update_rps _ <<<"$(measure "$c" "http://127.0.0.1:$NGINX_PORT/update.bin")"
  read -r nginx_index_rps _ <<<"$(measure "$c" "http://127.0.0.1:$NGINX_PORT/index.bin")"
  read -r nginx_update_check_rps _ <<<"$(measure "$c" "http://127.0.0.1:$NGINX_PORT/update_check.bin")"
  read -r nginx_expo_rps _ <<<"$(measure "$c" "http://127.0.0.1:$NGINX_PORT/expo.bin")"
  report() {
    local name="$1" nginx_rps="$2"; shift 2
    read -r rps p50 p99 bad <<<"$(measure "$c" "$@")"
    printf "%-22s %5s %10s %9s %9s %10s %8s%s\n" "$name" "$c" "$rps" "$p50" "$p99" "$nginx_rps" \
      "$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')" "$([ "$bad" != 0 ] && echo "  ($bad non-2xx/3xx)")"
  }
  report "update 200 (varied)" "$nginx_update_rps" -s "$work/update.lua" "$base" \
    && true
  report "codepush update_check" "$nginx_update_check_rps" -s "$work/update_check.lua" "$base"
  report "update 304" "$nginx_update_rps" -s "$work/update304.lua" "$channel/update?deviceId=bench-device&$update_query"
  report "index 200" "$nginx_index_rps" "$channel/index"
  report "expo manifest (varied)" "$nginx_expo_rps" -s "$work/expo.lua" "$base"
done
echo
echo "update answer: $update_size bytes, CodePush update_check answer: $update_check_size bytes, Expo multipart: $expo_size bytes,"
echo "index: $index_size bytes; nginx serves random files of those sizes (2 workers)."
echo "Server and wrk share this machine's $(nproc) cores; loopback only."
