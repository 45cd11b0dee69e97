# shellcheck shell=bash
# scripts/bench --files N: highdim `run --no-slices DIR` vs numpy_many.py DIR on N small files; then highdim's rerun
# of the same command over the unchanged files, against its first run.
# Sourced by scripts/bench (after bench_common.sh); defines mode_files.

FILES_SHAPE=4,2,3,128,128   # Z,T,C,Y,X, uint16: 786,432 bytes of pixels a file

mode_files() {
  local many_peer dir state cached_h cached_n n ids check_ids=() report_rc=0 need avail
  many_peer=$(need_peer numpy_many.py)
  take_snapshot

  # ---- 1. the files: one Python process runs make_tiff.py's generator N times (seeds 0..N-1)
  need=$(( NFILES * 800000 + 200000000 ))
  avail=$(( $(df -Pk "$W" | awk 'NR==2{print $4}') * 1024 ))
  (( avail > need )) || die "not enough space in $W: need ~$need bytes, have $avail"
  dir=$W/files
  say "generating $NFILES uint16 shaped files of Z,T,C,Y,X = $FILES_SHAPE (seeds 0..$((NFILES - 1))) in $dir"
  "$PY" "$HERE/bench_report.py" make-files --dir "$dir" --count "$NFILES" --shape "$FILES_SHAPE" \
    || die "generating the files failed"
  n=$(find "$dir" -maxdepth 1 -name '*.tif' | wc -l)
  [[ $n == "$NFILES" ]] || die "expected $NFILES files in $dir, found $n"
  say "files: $NFILES in $dir, $(stat -c %s "$dir"/*.tif | awk '{s += $1} END{print s}') bytes"
  warm_cache "$dir"/*.tif
  if [[ $SERVER == 1 ]]; then
    # a server in its steady state: it processed a batch like this one before (its JIT compiled the pass), the same
    # number of other files (other names and seeds); Python has no JIT to warm
    "$PY" "$HERE/bench_report.py" make-files --dir "$W/warm-files" --count "$NFILES" --shape "$FILES_SHAPE" \
      --prefix warm_ --first-seed 100000 || die "generating the warm-up files failed"
    SERVER_WARM_UP=(run --no-slices --components "$COMPONENTS" "$W/warm-files")
  fi

  # ---- 2. highdim
  measure_highdim run --no-slices --components "$COMPONENTS" "$dir"
  ids=$(highdim_ok_ids highdim "$NFILES") || fail_run highdim "highdim did not accept all $NFILES images"
  need_pixels_line highdim

  # ---- 3. numpy_many (prints files, seconds, bytes: no means)
  wait_quiet
  cached_n=$(cached)
  say "running numpy: $PY $many_peer $dir"
  run_measured numpy "" "$PY" "$many_peer" "$dir" || fail_run numpy "numpy_many.py failed"

  # ---- 4. the same command again on the catalogue it wrote: every image unchanged, no pixel read (issue 8's rerun)
  wait_quiet
  if [[ $SERVER == 1 ]]; then
    measure_via_server highdim-rerun run --no-slices --components "$COMPONENTS" "$dir"
    stop_server
  else
    say "running highdim again over the unchanged files: scripts/highdim run --no-slices ... --state-dir $state"
    run_measured highdim-rerun "$state/postgres" "$HIGHDIM" run --no-slices --components "$COMPONENTS" "$dir" \
      --state-dir "$state" || fail_run highdim-rerun "the rerun of highdim failed"
  fi
  n=$(grep -c '"status":"unchanged"' "$W/highdim-rerun.out" || true)
  [[ $n == "$NFILES" ]] || fail_run highdim-rerun "the rerun reported $n unchanged images, not $NFILES"

  # ---- 5. means of 3 images (first, middle, last): highdim's catalogue vs numpy over tifffile's array
  mapfile -t check_ids < <(awk 'NR == 1 {print} {a[NR] = $0} END {if (NR > 2) print a[int((NR + 1) / 2)]; if (NR > 1) print a[NR]}' <<<"$ids")
  say "checking the channel means of ${check_ids[*]} (highdim show statistics vs numpy)"
  local id i=0
  for id in "${check_ids[@]}"; do
    show_stats "check$i" "$state" "$id"
    i=$((i + 1))
  done

  # ---- 6. report
  write_context files "$NFILES" shape "$FILES_SHAPE"
  "$PY" "$HERE/bench_report.py" report-files --dir "$dir" --workdir "$W" --check-ids "${check_ids[@]}" \
    --cached-before-highdim "$cached_h" --cached-before-numpy "$cached_n" || report_rc=$?
  report_status "$report_rc" "highdim's channel means differ from numpy's"
}
