# shellcheck shell=bash
# scripts/bench [--gigabytes G | --file F]: highdim `run --no-slices` vs numpy_streaming.py on one file.
# Sourced by scripts/bench (after bench_common.sh); defines mode_file.

mode_file() {
  local numpy_peer state image_id cached_h cached_n report_rc=0
  numpy_peer=$(need_peer numpy_streaming.py)
  take_snapshot

  # ---- 1. the file, 2. page cache
  prepare_file
  warm_cache "$FILE"

  # ---- 3. highdim
  measure_highdim run --no-slices --components "$COMPONENTS" "$FILE"
  image_id=$(highdim_ok_ids highdim 1) || fail_run highdim "highdim did not accept the image"
  need_pixels_line highdim
  stop_server
  show_stats highdim "$state" "$image_id"

  # ---- 4. numpy
  wait_quiet
  cached_n=$(cached)
  say "running numpy: $PY $numpy_peer $FILE --components $COMPONENTS"
  run_measured numpy "" "$PY" "$numpy_peer" "$FILE" --components "$COMPONENTS" || fail_run numpy "numpy_streaming.py failed"

  # ---- 5. report
  write_context gigabytes "$GB"
  "$PY" "$HERE/bench_report.py" report --file "$FILE" --workdir "$W" "${GEN_FLAG[@]}" \
    --java-opts "${HIGHDIM_JAVA_OPTS:--Xmx4g (launcher default)}" --components "$COMPONENTS" \
    --cached-before-highdim "$cached_h" --cached-before-numpy "$cached_n" || report_rc=$?
  report_status "$report_rc" "the two tools' channel means differ"
}
