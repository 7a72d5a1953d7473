# The scenarios of scripts/soak (sourced by it; uses its helpers and variables). Each runs
# $trials trials: reset what must be reset, start the command, kill -9 it after a random delay,
# then check the workspace and count what was lost.
# shellcheck shell=bash disable=SC2154

# add-big: one large file (2 GiB by default) into a fresh store each trial; the re-run must record
# big@1 with the digest of an uninterrupted add.
scenario_add_big() {
  local ws="$work/add-big" big
  big="$(big_fixture)"
  mkdir -p "$ws"; rm -f "$ws/big.bin"
  ln "$big" "$ws/big.bin" 2>/dev/null || cp "$big" "$ws/big.bin"
  add_trials add-big "$ws" big.bin big
}

# add-small: 20,000 files of 2 KiB (100 folders), fresh store each trial.
scenario_add_small() {
  local ws="$work/add-small" tree
  tree="$(small_fixture)"
  if [[ ! -d "$ws/small" ]]; then mkdir -p "$ws"; cp -al "$tree" "$ws/small" 2>/dev/null || cp -a "$tree" "$ws/small"; fi
  add_trials add-small "$ws" small small
}

# The trials of an add scenario: SCENARIO WS PATH DATASET. Each kills `keel add PATH` in a fresh
# store; the re-run must record DATASET@1 with the digest of an uninterrupted add.
add_trials() {
  local scenario="$1" ws="$2" path="$3" name="$4" dur expected out delay t
  fresh_workspace "$ws"
  dur=$(calibrate "$ws" add "$path" --json) || return 1
  expected="$(jq -r .digest "$work/calibrate.out")"
  log "  an uninterrupted add takes $dur ms"
  for ((t = 1; ; t++)); do more_trials "$t" || break
    fresh_workspace "$ws"
    delay=$(kill_delay "$dur")
    start_victim "$ws" "$K" add "$path"; sleep_ms "$delay"; kill_victim
    check_fsck "$ws"; check_status "$ws"
    out="$(cd "$ws" && kq add "$path" --json 2>"$work/rerun.err")" || fail "re-run of add exit $?: $(head -c 300 "$work/rerun.err")"
    if [[ -n "$out" ]]; then
      [[ "$(jq -r .ref <<<"$out")" == "$name@1" ]] || fail "re-run recorded $(jq -r .ref <<<"$out"), not $name@1"
      [[ "$(jq -r .digest <<<"$out")" == "$expected" ]] || fail "re-run recorded digest $(jq -r .digest <<<"$out"), not $expected"
    fi
    check_no_temp "$ws"
    finish_trial "$scenario" "$t"
  done
}

finished_runs() {  # DIR: the ids of finished runs, one a line
  (cd "$1" && kq runs list --limit 1000000 --json 2>/dev/null) | jq -r '.runs[] | select(.status == "finished") | .id' | sort
}

# run: a four-stage pipeline of shell commands writing ~2.5 MB; a new param value each trial so
# every stage runs. Only keel is killed: its stages must die with it.
scenario_run() {
  local ws="$work/run" dur before after missing
  rm -rf "$ws"; mkdir -p "$ws"
  cat >"$ws/keel.yaml" <<EOF
stages:
  gen:
    cmd: ": $token; mkdir -p data/gen; for i in \$(seq 1 300); do head -c 8192 /dev/urandom > data/gen/f\$i; done; sleep 0.3"
    params: [trial]
    outs: [data/gen]
  sum:
    cmd: ": $token; cat data/gen/* | sha256sum > data/sum.txt; sleep 0.3"
    deps: [data/gen]
    outs: [data/sum.txt]
  pack:
    cmd: ": $token; cat data/gen/* > data/pack.bin; sleep 0.3"
    deps: [data/gen]
    outs: [{path: data/pack.bin, kind: data}]
  report:
    cmd: ": $token; wc -c data/pack.bin data/sum.txt > reports/report.txt"
    deps: [data/sum.txt, data/pack.bin]
    outs: [{path: reports/report.txt, kind: report}]
EOF
  echo "trial: 0" >"$ws/params.yaml"
  fresh_workspace "$ws"
  dur=$(calibrate "$ws" run) || return 1
  log "  an uninterrupted run takes $dur ms"
  for ((t = 1; ; t++)); do more_trials "$t" || break
    echo "trial: $t" >"$ws/params.yaml"
    before="$(finished_runs "$ws")"
    delay=$(kill_delay "$dur")
    start_victim "$ws" "$K" run; sleep_ms "$delay"; kill_victim
    check_no_orphans
    check_fsck "$ws"; check_status "$ws"
    (cd "$ws" && kq run >/dev/null 2>"$work/rerun.err") || fail "re-run of run exit $?: $(head -c 300 "$work/rerun.err")"
    after="$(finished_runs "$ws")"
    missing=$(comm -23 <(echo "$before" | sed '/^$/d') <(echo "$after" | sed '/^$/d') | wc -l)
    lose "$missing" "finished runs"
    finish_trial run "$t"
  done
}

# exec: a tracked command logging metric points with `keel log-metric`; a point is acknowledged
# once log-metric exited 0. keel and the command are killed together.
scenario_exec() {
  local ws="$work/exec" dur acked rid got points=5
  rm -rf "$ws"; mkdir -p "$ws"
  cat >"$ws/metrics.sh" <<'EOF'
echo "$KEEL_RUN_ID" > run-id
for i in $(seq 1 "$1"); do "$SOAK_KEEL" log-metric loss "$i" --step "$i" && echo "$i" >> acks; done
EOF
  export SOAK_KEEL="$K"
  fresh_workspace "$ws"
  dur=$(calibrate "$ws" exec --name soak -- bash metrics.sh "$points") || return 1
  log "  an uninterrupted exec takes $dur ms"
  for ((t = 1; ; t++)); do more_trials "$t" || break
    rm -f "$ws/acks" "$ws/run-id"
    delay=$(kill_delay "$dur")
    start_victim "$ws" "$K" exec --name soak -- bash metrics.sh "$points"; sleep_ms "$delay"; kill_victim_group
    acked=$( [[ -f "$ws/acks" ]] && wc -l <"$ws/acks" || echo 0)
    t_note="acked=$acked"
    rid="$(cat "$ws/run-id" 2>/dev/null)"
    if [[ $acked -gt 0 ]]; then
      got="$(cd "$ws" && kq metrics history "$rid" loss --json 2>"$work/metrics.err" | jq --argjson n "$acked" '[.points[] | select(.step <= $n)] | length')"
      [[ -n "$got" ]] || { fail "metrics history of run $rid failed: $(head -c 300 "$work/metrics.err")"; got=0; }
      lose $(( acked - got )) "metric points"
    fi
    check_fsck "$ws"; check_status "$ws"
    (cd "$ws" && kq exec --name soak -- bash metrics.sh 2 >/dev/null 2>"$work/rerun.err") || fail "re-run of exec exit $?: $(head -c 300 "$work/rerun.err")"
    finish_trial exec "$t"
  done
}

# bundle-import: the quickstart's churn bundle (~48 MB) into a fresh workspace holding one dataset
# version (keep@1) that must survive.
scenario_bundle_import() {
  local ws="$work/bundle-import" bundle dur
  quickstart_fixture
  bundle="$fixtures/churn.keelbundle"
  mkdir -p "$ws"; echo "kept across the kill" >"$ws/keep.txt"
  fresh_workspace "$ws"
  dur=$(calibrate "$ws" bundle import "$bundle") || return 1
  log "  an uninterrupted import takes $dur ms"
  for ((t = 1; ; t++)); do more_trials "$t" || break
    fresh_workspace "$ws"
    (cd "$ws" && kq add keep.txt --name keep >/dev/null) || { fail "add keep.txt failed"; finish_trial bundle-import "$t"; continue; }
    delay=$(kill_delay "$dur")
    start_victim "$ws" "$K" bundle import "$bundle"; sleep_ms "$delay"; kill_victim
    check_fsck "$ws"; check_status "$ws"
    (cd "$ws" && kq bundle import "$bundle" >/dev/null 2>"$work/rerun.err") || fail "re-run of import exit $?: $(head -c 300 "$work/rerun.err")"
    (cd "$ws" && kq datasets show keep@1 >/dev/null 2>&1) || lose 1 "dataset versions (keep@1)"
    check_no_temp "$ws"
    finish_trial bundle-import "$t"
  done
}

free_port() {
  local p
  while :; do
    p=$(( 20000 + $(rand 30000) ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
serve_start() {  # DIR PORT: starts keel serve as the victim and waits for /healthz (60 s)
  start_victim "$1" "$K" serve --port "$2" --poll-seconds 60
  local i
  for i in $(seq 1 600); do
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$2/healthz" && return 0
    kill -0 "$vpid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
# Starts the victim server on a free port, taking another one when something else bound the port
# between the check and the bind (free_port cannot reserve it); sets port and url.
serve_start_anywhere() {  # DIR
  local i
  for i in 1 2 3 4 5; do
    port=$(free_port); url="http://127.0.0.1:$port/v1/models/churn/predict"
    serve_start "$1" "$port" && return 0
    grep -q 'address already in use' "$work/victim.err" 2>/dev/null || return 1
  done
  return 1
}
# One load client: predict requests with its own ids until the server stops answering (at most
# 3,000 requests or 20 s); each answered id is logged with the time its answer had arrived by.
serve_client() {  # URL TRIAL CLIENT
  local url="$1" i=0 code t end=$(( ${EPOCHREALTIME/./} / 1000 + 20000 ))
  local body='{"tenure_months": 23, "monthly_charges": 58.3, "total_charges": 1427.95, "support_calls": 0, "age": 38, "data_usage_gb": 29.11, "paperless_billing": 0, "charges_per_tenure_month": 62.0848, "charge_trend": 0.939, "support_calls_per_year": 0, "missing_cells": 0, "contract": "two-year", "payment_method": "mailed-check", "region": "east", "internet_service": "dsl"}'
  while (( i < 3000 )); do
    t=$(( ${EPOCHREALTIME/./} / 1000 )); (( t < end )) || break
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "X-Request-Id: soak-$2-$3-$i" \
      -H 'Content-Type: application/json' --data "$body" "$url")
    [[ $code == 200 ]] || { [[ $code == 000 ]] || echo "$code" >"$work/client.$3.error"; break; }
    echo "soak-$2-$3-$i $(( ${EPOCHREALTIME/./} / 1000 ))" >>"$work/answered.$3"
    (( i++ ))
  done
}
# Sends feedback for every id in FILE, in batches; writes the ids the server did not know to OUT.
serve_unknown_ids() {  # PORT FILE OUT
  local code f
  : >"$3"
  rm -f "$work"/fb.*
  split -l 250 "$2" "$work/fb."
  for f in "$work"/fb.*; do
    jq -R -s '{labels: [split("\n")[] | select(length > 0) | {request_id: ., label: true}]}' "$f" >"$work/feedback.json"
    code=$(curl -s -o "$work/feedback.out" -w '%{http_code}' --max-time 120 -H 'Content-Type: application/json' \
      --data-binary "@$work/feedback.json" "http://127.0.0.1:$1/v1/models/churn/feedback")
    case "$code" in
      202) ;;
      422) jq -r '.unknown_request_ids[]' "$work/feedback.out" >>"$3" ;;
      *) fail "feedback answered $code: $(head -c 200 "$work/feedback.out")" ;;
    esac
    rm -f "$f"
  done
}
# serve: 2 clients load the quickstart's churn@production; the server is killed 0.3-1.8 s into the
# load. The re-run is a new server on the same workspace: it must start (recovering the capture
# logs) and know, by feedback on every answered id, (a) at least as many rows as /metrics said were
# logged just before the kill (no timing assumption), and (b) every request answered more than the
# capture beat (20 ms, plus --capture-slack-ms) before the kill.
scenario_serve() {
  local ws="$work/serve" port url cutoff logged answered late
  quickstart_fixture
  rm -rf "$ws"; cp -a "$fixtures/quickstart" "$ws"
  serve_start_anywhere "$ws" || { log "soak: keel serve did not start: $(head -c 500 "$work/victim.err")"; exit 2; }
  for ((t = 1; ; t++)); do more_trials "$t" || break
    rm -f "$work"/answered.* "$work"/client.*.error; touch "$work/answered.1" "$work/answered.2"
    serve_client "$url" "$t" 1 & local c1=$!
    serve_client "$url" "$t" 2 & local c2=$!
    delay=$(( 300 + $(rand 1500) ))
    sleep_ms "$delay"
    logged=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | awk '/^keel_capture_logged_rows_total/ { s += $NF } END { print s + 0 }')
    kill_victim
    wait "$c1" "$c2"
    [[ -n "$(cat "$work"/client.*.error 2>/dev/null)" ]] && fail "predict answered $(cat "$work"/client.*.error | sort -u | tr '\n' ' ')"
    check_fsck "$ws"; check_status "$ws"
    if ! serve_start "$ws" "$port" && ! serve_start_anywhere "$ws"; then
      fail "re-run: keel serve did not start: $(head -c 300 "$work/victim.err")"
      finish_trial serve "$t"; break
    fi
    cat "$work/answered.1" "$work/answered.2" >"$work/answered"
    answered=$(wc -l <"$work/answered")
    if [[ $answered -gt 0 ]]; then
      cut -d' ' -f1 "$work/answered" >"$work/ids"
      serve_unknown_ids "$port" "$work/ids" "$work/unknown"
      (( answered - $(wc -l <"$work/unknown") >= logged )) \
        || lose $(( logged - answered + $(wc -l <"$work/unknown") )) "capture rows (logged before the kill by /metrics)"
      t_note="answered=$answered logged_before_kill=$logged unknown_after=$(wc -l <"$work/unknown")"
      cutoff=$(( kill_ms - 20 - slack_ms ))
      late=$(awk -v c="$cutoff" 'NR == FNR { u[$1] = 1; next } $2 < c && ($1 in u)' "$work/unknown" "$work/answered" | wc -l)
      lose "$late" "capture rows (answered > $(( 20 + slack_ms )) ms before the kill)"
    fi
    finish_trial serve "$t"
  done
  kill -TERM "$vpid" 2>/dev/null; wait "$vpid" 2>/dev/null
}

# add-gc: `keel add` (killed at a random moment) and `keel gc --grace 0s` started together on a
# tree of 2,000 files, 600 of them rewritten each trial; the re-run is the same pair, unkilled. No
# object a version references may go missing. The store is recreated every 10 trials.
scenario_add_gc() {
  local ws="$work/add-gc" dur gpid grc d before
  rewrite() {  # N folders of the tree get new contents
    local i
    for i in $(shuf -i 0-9 -n "$1" --random-source=<(yes "$RANDOM")); do
      rm -rf "$ws/data/d$i"; mkdir -p "$ws/data/d$i"
      head -c $(( 200 * 4096 )) /dev/urandom | (cd "$ws/data/d$i" && split -b 4096 -a 3 - f)
    done
  }
  reset() { rm -rf "$ws"; mkdir -p "$ws"; rewrite 10; fresh_workspace "$ws"; (cd "$ws" && kq add data >/dev/null); }
  reset
  rewrite 3
  dur=$(calibrate "$ws" add data) || return 1
  log "  an uninterrupted add of 600 changed files takes $dur ms"
  for ((t = 1; ; t++)); do more_trials "$t" || break
    (( t % 10 == 1 && t > 1 )) && reset
    rewrite 3
    before=$(cd "$ws" && kq datasets list --json | jq ".datasets[0].version")
    delay=$(kill_delay "$dur")
    start_victim "$ws" "$K" add data
    d=$(rand 200); sleep_ms "$d"
    (cd "$ws" && kq gc --grace 0s >/dev/null 2>"$work/gc.err") & gpid=$!
    sleep_ms $(( delay > d ? delay - d : 0 )); kill_victim
    wait "$gpid"; grc=$?
    [[ $grc -eq 0 ]] || fail "gc exit $grc: $(head -c 300 "$work/gc.err")"
    check_fsck "$ws"; check_status "$ws"
    # The re-run: the same pair, unkilled.
    (cd "$ws" && kq gc --grace 0s >/dev/null 2>"$work/gc.err") & gpid=$!
    (cd "$ws" && kq add data >/dev/null 2>"$work/rerun.err") || fail "re-run of add exit $?: $(head -c 300 "$work/rerun.err")"
    wait "$gpid" || fail "re-run of gc exit $?: $(head -c 300 "$work/gc.err")"
    local lost_before=$t_lost; t_lost=0
    local saved=("${t_fail[@]}"); t_fail=()
    check_fsck "$ws"
    # Count the objects missing after the re-run once: the larger of the two fsck counts.
    local second=$t_lost
    t_fail=("${saved[@]}" "${t_fail[@]}")
    t_lost=$(( second > lost_before ? second : lost_before ))
    [[ $(cd "$ws" && kq datasets list --json | jq ".datasets[0].version") -ge $before ]] || lose 1 "dataset versions"
    finish_trial add-gc "$t"
  done
}
