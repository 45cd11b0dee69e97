# shellcheck shell=bash
# scripts/bench --scale-out: highdim `run --no-slices` on a local Spark standalone cluster (scripts/local-cluster),
# 1 executor of 1 core vs 2 executors of 1 core each, each executor on a Worker of its own pinned to its own CPU
# (unless --no-pin). Sourced by scripts/bench (after bench_common.sh); defines mode_scale_out.

mode_scale_out() {
  local master spark_home opens tag cores state id report_rc=0 i pin=(--pin-cpus)
  take_snapshot --spark-jar
  prepare_file
  warm_cache "$FILE"
  opens=$(java17_opens) || exit 2
  # An executor of 1 core is a JVM that has one CPU for everything: its task, its JIT compilers and its collector,
  # as in a container of 1 core. Unpinned on this machine, the one executor of the first run would borrow the idle
  # second CPU for its JIT and GC threads, and the two of the second run would share both: the ratio would
  # measure that, not scaling.
  [[ $PIN == 1 ]] || pin=()

  # ---- the cluster: scripts/local-cluster (of the snapshot) in the background, on free ports
  say "starting a local Spark standalone cluster: scripts/local-cluster --port 0 --webui-port 0 --workers 2 --cores 1 --memory $EXECUTOR_MEMORY ${pin[*]}"
  TMPDIR=$W "$SNAP/scripts/local-cluster" --port 0 --webui-port 0 --workers 2 --cores 1 --memory "$EXECUTOR_MEMORY" "${pin[@]}" \
    >"$W/cluster.out" 2>"$W/cluster.err" </dev/null &
  CLUSTER_PID=$!
  for i in $(seq 600); do
    grep -q '^Spark standalone cluster up: spark://' "$W/cluster.out" 2>/dev/null && break
    if [[ $i == 600 ]] || ! kill -0 "$CLUSTER_PID" 2>/dev/null; then
      cat "$W/cluster.out" "$W/cluster.err" >&2; die_keep "scripts/local-cluster did not start a cluster"
    fi
    sleep 0.2
  done
  CLUSTER_CHILDREN=$(pgrep -P "$CLUSTER_PID" | xargs || true)   # the Master and the Worker JVMs
  master=$(sed -n 's/^Spark standalone cluster up: \(spark:\/\/[^ ]*\) .*/\1/p' "$W/cluster.out")
  spark_home=$(sed -n 's/^ *SPARK_HOME=\([^ ]*\) .*/\1/p' "$W/cluster.out" | head -1)
  [[ -n $master && -d $spark_home ]] || { cat "$W/cluster.out" >&2; die "cannot read the master URL and SPARK_HOME of scripts/local-cluster"; }
  say "cluster up: $master (pids: local-cluster $CLUSTER_PID, Master and Workers $CLUSTER_CHILDREN)"

  # ---- two submissions, client mode (the driver runs here, measured like scripts/highdim), with the project's
  # conf/spark-defaults.conf (the executors' JVM options; Spark adds its Java 17 ones to executors itself)
  for tag in one two; do
    cores=$([[ $tag == one ]] && echo 1 || echo 2)
    state=$W/state-$tag
    mkdir -p "$state" "$W/events-$tag"; STATES+=("$state")
    wait_quiet
    say "running highdim on the cluster, $cores executor(s) of 1 core, $EXECUTOR_MEMORY each: spark-submit ... run --no-slices --components $COMPONENTS --state-dir $state $FILE"
    # shellcheck disable=SC2086 # opens is a list of JVM options
    run_measured "$tag" "$state/postgres" env -u SPARK_CONF_DIR -u SPARK_DIST_CLASSPATH -u SPARK_SUBMIT_OPTS \
      -u HADOOP_CONF_DIR -u HADOOP_HOME -u HIGHDIM_DB_PASSWORD \
      SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 \
      "$JAVA_HOME/bin/java" $opens -Xmx1g -Dlog4j2.configurationFile="$SNAP/conf/log4j2.properties" \
      -cp "$spark_home/jars/*" org.apache.spark.deploy.SparkSubmit \
      --master "$master" --deploy-mode client --class io.highdim.jobs.HighdimCli \
      --properties-file "$SNAP/conf/spark-defaults.conf" \
      --conf spark.executor.cores=1 --conf spark.cores.max="$cores" --conf spark.executor.memory="$EXECUTOR_MEMORY" \
      --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
      --conf spark.scheduler.maxRegisteredResourcesWaitingTime=60s \
      --conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=file://$W/events-$tag" \
      "$SNAP/jobs/target/highdim-jobs-0.1.0-SNAPSHOT-spark.jar" \
      run --no-slices --components "$COMPONENTS" --state-dir "$state" "$FILE" \
      || fail_run "$tag" "the cluster run with $cores executor(s) failed"
    id=$(highdim_ok_ids "$tag" 1) || fail_run "$tag" "highdim did not accept the image"
    need_pixels_line "$tag"
    show_stats "$tag" "$state" "$id"
  done

  # ---- stop the cluster before the report (the EXIT trap does it too, if anything above failed)
  say "stopping the cluster"
  stop_pid "$CLUSTER_PID" TERM 150
  for i in $CLUSTER_CHILDREN; do stop_pid "$i" TERM 50; done
  CLUSTER_PID='' CLUSTER_CHILDREN=''

  # ---- report
  write_context gigabytes "$GB" executor_memory "$EXECUTOR_MEMORY" master "$master" pinned "$PIN"
  "$PY" "$HERE/bench_report.py" report-scale-out --file "$FILE" --workdir "$W" \
    "${GEN_FLAG[@]}" || report_rc=$?
  report_status "$report_rc" "the two runs' channel means differ, or tasks did not run on 2 executors"
}
