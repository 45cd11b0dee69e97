# shellcheck shell=bash source-path=SCRIPTDIR
# What every mode of scripts/bench shares; sourced (never run) by scripts/bench after it has parsed its options
# (it uses ROOT, HERE, PY, MODE, KEEP, WORK_PARENT, WAIT_QUIET, GB, FILE). See scripts/bench's header for the method.

die() { echo "bench: error: $*" >&2; exit 2; }
die_keep() { KEEP=1; die "$@"; }   # and keep the work dir, for its logs
say() { echo "==> $*"; }

# ---- prerequisites common to all modes; a mode checks its own peer and Python modules with need_peer/need_py
bench_prereqs() {
  [[ -x $PY ]] || die "$PY not found (needs numpy and tifffile)"
  need_py numpy tifffile
  # shellcheck source=java17.sh
  . "$ROOT/scripts/lib/java17.sh"
  java17_pin || exit 2   # for the build below; scripts/highdim pins the same Java 17 for the measured runs
  HAVE_TIME=0
  if [[ -z ${BENCH_NO_GNU_TIME:-} && -x /usr/bin/time ]] && /usr/bin/time -v true 2>/dev/null >/dev/null; then HAVE_TIME=1; fi  # BENCH_NO_GNU_TIME=1: test the /proc fallback
  HAVE_FINCORE=0; command -v fincore >/dev/null && HAVE_FINCORE=1
  [[ -d $WORK_PARENT && -w $WORK_PARENT ]] || die "work dir parent $WORK_PARENT is not a writable directory"
}
need_py() {
  local m
  for m in "$@"; do "$PY" -c "import $m" 2>/dev/null || die "$PY cannot import $m"; done
}
need_peer() {   # need_peer NAME -> prints the path of ../shared/bench/NAME
  local p=$PEERS/$1
  [[ -f $p ]] || die "reference peer $p not found (../shared/bench/ beside the repository)"
  echo "$p"
}

# a shaped Z,T,C,Y,X TIFF, as the numpy and PIL peers need (they map pages to planes by that layout)
check_shaped() {
  local why
  why=$("$PY" - "$1" 2>&1 <<'EOF'
import sys, tifffile
try:
    with tifffile.TiffFile(sys.argv[1]) as tf:
        s = tf.series[0]
        if len(s.shape) != 5:
            sys.exit(f"series 0 has shape {s.shape} (axes {s.axes}), not 5D")
except tifffile.TiffFileError as e:
    sys.exit(str(e))
EOF
  ) || die "--file $1: ${why##*$'\n'}; the peers need a shaped Z,T,C,Y,X TIFF (see scripts/make_tiff.py)"
}

# ---- work dir and cleanup: every process a mode starts is recorded here and stopped on any exit
CHILD_PID='' POLL_PID='' CLUSTER_PID='' CLUSTER_CHILDREN='' W=''
STATES=()   # --state-dir of each highdim run: an interrupted run can leave its embedded PostgreSQL behind
make_workdir() {
  W=$(readlink -f "$(mktemp -d "$WORK_PARENT/highdim-bench.XXXXXX")")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  cd "$W" || exit 2   # Spark and the launcher may leave files in the working directory: keep them out of the repo
}
stop_pid() {   # stop_pid PID SIGNAL TENTHS: signal it, wait up to TENTHS/10 s, then SIGKILL
  local p=$1 sig=$2 n=$3
  kill -0 "$p" 2>/dev/null || return 0
  kill "-$sig" "$p" 2>/dev/null || true
  for _ in $(seq "$n"); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
  local rc=$? p s pg
  trap - EXIT INT TERM
  for p in $POLL_PID $CHILD_PID; do
    # GNU time does not pass signals on: stop the measured command (its direct children) too
    for s in $(pgrep -P "$p" 2>/dev/null || true); do stop_pid "$s" TERM 50; done
    stop_pid "$p" TERM 20
  done
  stop_server
  if [[ -n $CLUSTER_PID ]]; then
    echo "bench: stopping the local Spark cluster (scripts/local-cluster, pid $CLUSTER_PID)" >&2
    stop_pid "$CLUSTER_PID" TERM 150   # its own trap stops the Master, the Worker and the executors
    for p in $CLUSTER_CHILDREN; do stop_pid "$p" TERM 50; done
  fi
  for s in "${STATES[@]}"; do
    [[ -f $s/postgres/postmaster.pid ]] || continue
    pg=$(head -1 "$s/postgres/postmaster.pid" 2>/dev/null || true)
    if [[ $pg =~ ^[0-9]+$ ]] && kill -0 "$pg" 2>/dev/null; then
      echo "bench: stopping leftover embedded PostgreSQL (pid $pg)" >&2
      stop_pid "$pg" INT 50
    fi
  done
  if [[ $KEEP == 1 ]]; then
    echo "bench: kept work dir $W"
  else
    rm -rf "$W"
  fi
  exit $rc
}

# ---- snapshot of the highdim build, so a concurrent `mvn install` cannot swap classes under a running benchmark
take_snapshot() {   # take_snapshot [--spark-jar]: also the spark-submit jar and scripts/local-cluster
  local with_spark=0; [[ ${1:-} == --spark-jar ]] && with_spark=1
  JAR=$ROOT/jobs/target/highdim-jobs.jar LIB=$ROOT/jobs/target/lib
  SPARK_JAR=$ROOT/jobs/target/highdim-jobs-0.1.0-SNAPSHOT-spark.jar
  if [[ ! -f $JAR || ! -d $LIB || ( $with_spark == 1 && ! -f $SPARK_JAR ) ]]; then
    say "building the jars (mvn -q -B -o install -DskipTests)"
    (cd "$ROOT" && mvn -q -B -o install -DskipTests) || die "maven build failed"
  fi
  SNAP=$W/highdim-snapshot
  local ok=0 attempt
  for attempt in 1 2 3 4 5 6; do
    if _snapshot "$with_spark" 2>/dev/null; then ok=1; break; fi
    echo "bench: the jars look incomplete (a build running?); retrying in 10 s ($attempt/6)" >&2
    sleep 10
  done
  [[ $ok == 1 ]] || die "could not take a consistent snapshot of $JAR and $LIB"
  HIGHDIM=$SNAP/scripts/highdim
  JAR_TIME=$(date -u -r "$SNAP/jobs/target/highdim-jobs.jar" '+%Y-%m-%d %H:%M:%S UTC')
  GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
  local newer
  newer=$(find "$ROOT/common/src/main" "$ROOT/jobs/src/main" -type f -newer "$SNAP/jobs/target/highdim-jobs.jar" 2>/dev/null | wc -l)
  say "highdim build: jobs/target/highdim-jobs.jar of $JAR_TIME (git $GIT_REV), snapshot in $SNAP"
  # the launcher writes its JVM class-data archive on a build's first run of each subcommand (a one-time cost,
  # like Python's .pyc): untimed runs on the samples write them, so the measured runs start as every later run does
  say "warm-up (untimed): scripts/highdim run and slices on sample-data write the launcher's class-data archives"
  "$HIGHDIM" run --no-slices --state-dir "$W/warm-up" "$ROOT/sample-data" >/dev/null 2>&1 \
    || die "warm-up run of $HIGHDIM failed"
  "$HIGHDIM" slices --output "$W/warm-up/slices" --state-dir "$W/warm-up" "$ROOT/sample-data" >/dev/null 2>&1 \
    || die "warm-up slices of $HIGHDIM failed"
  # the catalogue as a user's .highdim/ is after a first run: created and migrated, stopped; measured runs copy it
  # (unless --fresh-catalogue, which measures a first run: initdb of the embedded database inside the run)
  rm -rf "$W/warm-up/slices"
  mv "$W/warm-up" "$W/catalogue-template"
  [[ $newer == 0 ]] || echo "    note: $newer main source file(s) are newer than that jar; the jar is what gets measured"
}
_snapshot() {
  local with_spark=$1 f
  rm -rf "$SNAP"; mkdir -p "$SNAP/scripts/lib" "$SNAP/conf" "$SNAP/jobs/target/lib"
  cp -p "$ROOT/scripts/highdim" "$SNAP/scripts/"
  cp -p "$ROOT/scripts/lib/java17.sh" "$SNAP/scripts/lib/"
  cp -p "$ROOT/conf/log4j2.properties" "$ROOT/conf/spark-defaults.conf" "$SNAP/conf/"
  cp -p "$JAR" "$SNAP/jobs/target/"
  local zips=("$SNAP/jobs/target/highdim-jobs.jar")
  if [[ $with_spark == 1 ]]; then
    cp -p "$ROOT/scripts/local-cluster" "$SNAP/scripts/"
    cp -p "$SPARK_JAR" "$SNAP/jobs/target/"
    zips+=("$SNAP/jobs/target/${SPARK_JAR##*/}")
  fi
  for f in "$LIB"/*.jar; do
    case ${f##*/} in
      highdim-*) cp -p "$f" "$SNAP/jobs/target/lib/"; zips+=("$SNAP/jobs/target/lib/${f##*/}") ;;   # the project's own jars: copied
      *) ln -s "$f" "$SNAP/jobs/target/lib/" ;;           # third-party jars: maven does not rewrite them
    esac
  done
  # consistent only if the sources did not change while copying and every copied jar is a complete zip
  [[ $(stat -c %Y "$JAR") == $(stat -c %Y "$SNAP/jobs/target/highdim-jobs.jar") ]] || return 1
  "$PY" - "${zips[@]}" <<'EOF'
import sys, zipfile
for p in sys.argv[1:]:
    with zipfile.ZipFile(p) as z:
        if z.testzip() is not None:
            sys.exit(1)
with zipfile.ZipFile(sys.argv[1]) as z:
    z.getinfo("io/highdim/jobs/HighdimCli.class")
EOF
}

# ---- the shaped uint16 file of --gigabytes G (generated into the work dir) or --file F
# shellcheck disable=SC2034 # GEN_FLAG (bench_report.py's --generated) is passed on by the mode files
prepare_file() {
  GEN_FLAG=()
  if [[ -z $FILE ]]; then
    local need avail
    need=$(awk -v g="$GB" 'BEGIN{printf "%d", g * 1e9 * 1.05 + 2e8}')
    avail=$(( $(df -Pk "$W" | awk 'NR==2{print $4}') * 1024 ))
    (( avail > need )) || die "not enough space in $W: need ~$need bytes, have $avail"
    FILE=$W/bench.tif
    say "generating a ${GB} GB uint16 shaped file: scripts/make-tiff --out $FILE --gigabytes $GB --dtype uint16 --flavour shaped"
    "$ROOT/scripts/make-tiff" --out "$FILE" --gigabytes "$GB" --dtype uint16 --flavour shaped --quiet >"$W/make-tiff.log" 2>&1 \
      || { cat "$W/make-tiff.log" >&2; die "scripts/make-tiff failed"; }
    GEN_FLAG=(--generated)
  fi
  SIZE=$(stat -c %s "$FILE")
  say "file $FILE: $SIZE bytes"
  local mem_avail
  mem_avail=$(( $(awk '/^MemAvailable:/{print $2}' /proc/meminfo) * 1024 ))
  (( SIZE < mem_avail * 8 / 10 )) || echo "    warning: the file ($SIZE bytes) is close to or above available memory ($mem_avail bytes): it will not stay cached and the runs read from disk"
}

# ---- page cache: warm once with cat; `cached` prints how much of the inputs is resident (fincore)
CACHE_FILES=()
warm_cache() {
  CACHE_FILES=("$@")
  say "warming the page cache once (cat file > /dev/null) so both tools read from cache"
  cat "$@" >/dev/null
}
cached() {
  [[ $HAVE_FINCORE == 1 ]] || return 0
  local total
  total=$(stat -c %s "${CACHE_FILES[@]}" | awk '{s += $1} END{print s}')
  fincore -nb -o RES "${CACHE_FILES[@]}" 2>/dev/null \
    | awk -v s="$total" '{r += $1} END{p = 100 * r / s; if (p > 100) p = 100; printf "%.0f%%", p}'
}

# ---- optionally wait for an idle machine (shared hosts: builds and tests of others skew the timings)
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
wait_quiet() {
  [[ $WAIT_QUIET -gt 0 ]] || return 0
  local hz limit deadline=$((SECONDS + WAIT_QUIET)) a b
  hz=$(getconf CLK_TCK); limit=$(( hz * 3 * 15 / 100 ))   # 0.15 CPUs over 3 s
  while :; do
    a=$(busy_ticks); sleep 3; b=$(busy_ticks)
    (( b - a < limit )) && return 0
    if (( SECONDS >= deadline )); then
      echo "    warning: the machine did not become idle within ${WAIT_QUIET} s; measuring anyway"; return 0
    fi
    echo "    waiting for an idle machine: other processes use $(awk -v d=$((b - a)) -v h="$hz" 'BEGIN{printf "%.2f", d / h / 3}') CPUs"
  done
}

# ---- measured run: run_measured TAG PGDIR CMD... writes $W/TAG.{out,err,time,poll.json,wall,cpustat}
run_measured() {
  local tag=$1 pgdir=$2; shift 2
  head -1 /proc/stat >"$W/$tag.cpustat"   # to estimate other processes' CPU use during the run
  local t0=$EPOCHREALTIME rc=0
  if [[ $HAVE_TIME == 1 ]]; then
    /usr/bin/time -v -o "$W/$tag.time" "$@" >"$W/$tag.out" 2>"$W/$tag.err" &
  else
    "$@" >"$W/$tag.out" 2>"$W/$tag.err" &
  fi
  CHILD_PID=$!
  "$PY" "$HERE/bench_report.py" poll --pid "$CHILD_PID" --out "$W/$tag.poll.json" --interval 0.2 \
    ${pgdir:+--pg-datadir "$pgdir"} &
  POLL_PID=$!
  wait "$CHILD_PID" || rc=$?
  local t1=$EPOCHREALTIME
  head -1 /proc/stat >>"$W/$tag.cpustat"
  wait "$POLL_PID" || true
  CHILD_PID='' POLL_PID=''
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f\n", b - a}' >"$W/$tag.wall"
  return $rc
}
fail_run() {
  local tag=$1; shift
  echo "bench: $* — last lines of its stderr ($W/$tag.err):" >&2
  tr '\r' '\n' <"$W/$tag.err" | grep -v '^\[Stage' | tail -25 >&2
  KEEP=1
  exit 1
}

# ---- highdim's output: N JSON lines with status ok (prints the ids) and its "pixels:" log line
highdim_ok_ids() {   # highdim_ok_ids TAG N
  "$PY" -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
bad = [r for r in rows if r.get("status") != "ok"]
if len(rows) != int(sys.argv[2]) or bad:
    sys.exit("expected %s images with status ok, got %d lines, not ok: %r" % (sys.argv[2], len(rows), bad[:5]))
for r in rows:
    print(r["image_id"])' "$W/$1.out" "$2"
}
need_pixels_line() {
  grep -q 'pixels: .* MB decoded in' "$W/$1.err" || fail_run "$1" "no 'pixels: ... MB decoded' line in highdim's log"
}
show_stats() {   # show_stats TAG STATE IMAGE_ID -> $W/TAG.stats.json
  "$HIGHDIM" show statistics --image-id "$3" --state-dir "$2" >"$W/$1.stats.json" 2>"$W/$1.show.err" \
    || fail_run "$1.show" "highdim show statistics --image-id $3 failed"
}

# ---- bench_report.py's exit status: 0 ok, 3 the tools disagree (what it printed says how), else it failed
report_status() {   # report_status RC WHAT-DIFFERS
  case $1 in
    0) ;;
    3) echo "bench: $2 (MISMATCH above)" >&2 ;;
    *) echo "bench: bench_report.py failed (exit $1); logs in $W" >&2; KEEP=1 ;;
  esac
  return "$1"
}

# ---- the --state-dir of a measured run: a copy of the warm-up's catalogue, or an empty folder (--fresh-catalogue)
new_state() {   # new_state DIR
  rm -rf "$1"
  if [[ $FRESH_CATALOGUE == 1 ]]; then mkdir -p "$1"; else cp -a "$W/catalogue-template" "$1"; fi
  STATES+=("$1")
}

# ---- one measured highdim run: a fresh --state-dir (new_state), a quiet machine, the page cache recorded; sets the
# caller's `state` and `cached_h` (bash locals are dynamically scoped)
measure_highdim() {   # measure_highdim SUBCOMMAND ARG... (--state-dir is added)
  # shellcheck disable=SC2034  # state and cached_h are the caller's
  state=$W/state
  new_state "$state"
  [[ $SERVER == 0 ]] || start_server "$state"
  wait_quiet
  # shellcheck disable=SC2034
  cached_h=$(cached)
  if [[ $SERVER == 1 ]]; then
    measure_via_server highdim "$@"
    return
  fi
  say "running highdim: HIGHDIM_JAVA_OPTS='${HIGHDIM_JAVA_OPTS:-}' scripts/highdim $* --state-dir $state"
  run_measured highdim "$state/postgres" "$HIGHDIM" "$@" --state-dir "$state" || fail_run highdim "highdim $1 failed"
}

# ---- --server: a `serve --runs` on STATE takes highdim's runs (HIGHDIM_SERVER); its log is copied into each run's
SERVER_PID='' SERVER_LOGGED=0 SERVER_STATE='' SERVER_WARM_UP=()
start_server() {   # start_server STATE: returns once it listens, its Spark is up and it ran once (the samples)
  say "starting (untimed): scripts/highdim serve --runs --port 0 --state-dir $1"
  SERVER_STATE=$1
  # the bench's inputs and outputs live anywhere on its own machine: the hosted runs may read and write everywhere
  "$HIGHDIM" serve --runs --port 0 --state-dir "$1" --allow-read / --allow-write / >"$W/server.out" \
    2>"$W/server.err" &
  SERVER_PID=$!
  local i
  for i in $(seq 1200); do
    grep -q 'runs: Spark is up' "$W/server.err" && grep -q listening "$W/server.out" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=''; fail_run server "serve --runs did not start"; }
    sleep 0.1
  done
  [[ $i -lt 1200 ]] || fail_run server "serve --runs was not up after 120 s"
  HIGHDIM_SERVER=$("$PY" -c 'import json, sys; print(json.loads(sys.stdin.readline())["listening"])' <"$W/server.out")
  export HIGHDIM_SERVER
  export HIGHDIM_STATE_DIR=$1   # where the client finds the server's token (serve-token)
  # a server that has served before: one run over the samples (untimed) loads and compiles the pass's code
  "$HIGHDIM" run --output "$W/server-warm-up-png" "$ROOT/sample-data" >"$W/server-warm-up.out" 2>&1 \
    || fail_run server-warm-up "the warm-up run through serve --runs failed"
  if [[ ${#SERVER_WARM_UP[@]} -gt 0 ]]; then   # and a workload like the measured one, on other files
    say "warm-up of the server (untimed): scripts/highdim ${SERVER_WARM_UP[*]}"
    "$HIGHDIM" "${SERVER_WARM_UP[@]}" >>"$W/server-warm-up.out" 2>&1 \
      || fail_run server-warm-up "the warm-up run through serve --runs failed"
  fi
  SERVER_LOGGED=$(stat -c %s "$W/server.err")
}
measure_via_server() {   # measure_via_server TAG SUBCOMMAND ARG...: the client timed; the server's log of it in TAG.err
  local tag=$1 before; shift
  say "running highdim through the server: HIGHDIM_SERVER=$HIGHDIM_SERVER scripts/highdim $*"
  before=$(server_cpu_ticks)
  run_measured "$tag" "" "$HIGHDIM" "$@" || fail_run "$tag" "highdim $1 (through serve --runs) failed"
  # the server's CPU is highdim's, not "other processes'": bench_report.py subtracts it
  echo $(( $(server_cpu_ticks) - before )) >"$W/$tag.server-ticks"
  tail -c +$((SERVER_LOGGED + 1)) "$W/server.err" >>"$W/$tag.err"
  SERVER_LOGGED=$(stat -c %s "$W/server.err")
}
server_jvm() {   # the server's JVM: the launcher runs it as its child when it writes a class-data archive at exit
  local jvm
  jvm=$(pgrep -P "$SERVER_PID" java 2>/dev/null | head -1 || true)
  echo "${jvm:-$SERVER_PID}"
}
server_cpu_ticks() {   # user+system clock ticks of the server's JVM and of its PostgreSQL (with reaped backends)
  local pg p sum=0
  pg=$(head -1 "$SERVER_STATE/postgres/postmaster.pid" 2>/dev/null || true)
  for p in $(server_jvm) $pg $( [[ -n $pg ]] && pgrep -P "$pg" ); do
    # fields after the command's ")": utime stime cutime cstime are the 12th-15th
    sum=$(( sum + $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}' || echo 0) ))
  done
  echo "$sum"
}
stop_server() {   # stops it (the catalogue is then free for `show`); prints its peak RSS
  [[ -n $SERVER_PID ]] || return 0
  local hwm jvm
  jvm=$(server_jvm)
  hwm=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$jvm/status" 2>/dev/null || true)
  say "stopping the server (its JVM's peak RSS: ${hwm:-?} MB, besides its PostgreSQL)"
  stop_pid "$jvm" TERM 300   # its shutdown hook stops Spark and the embedded PostgreSQL
  stop_pid "$SERVER_PID" TERM 300
  SERVER_PID=''
  unset HIGHDIM_SERVER HIGHDIM_STATE_DIR
}

# ---- what the summary block says about the run (bench_report.py reads $W/context.json)
write_context() {   # write_context KEY VALUE ...
  "$PY" -c 'import json, sys; a = sys.argv[1:]; print(json.dumps(dict(zip(a[::2], a[1::2]))))' \
    command "scripts/bench $BENCH_ARGS" git "$GIT_REV" jar_time "$JAR_TIME" \
    java_opts "${HIGHDIM_JAVA_OPTS:--Xmx4g (launcher default)}" \
    catalogue "$([[ $FRESH_CATALOGUE == 1 ]] && echo 'fresh (initdb in the run)' || echo 'existing (made in the warm-up)')" \
    via "$([[ $SERVER == 1 ]] && echo 'a running serve --runs (HIGHDIM_SERVER)' || echo 'the launcher')" \
    "$@" >"$W/context.json"
}
