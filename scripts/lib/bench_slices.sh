# shellcheck shell=bash
# scripts/bench --slices [--raw16] [--limit N]: highdim `slices` vs pil_slices.py (PNG per plane) on one file.
# Sourced by scripts/bench (after bench_common.sh); defines mode_slices.

mode_slices() {
  # shellcheck disable=SC2034  # state: set by measure_highdim, kept local to this mode
  local pil_peer state cached_h cached_n report_rc=0 sz st sc per_z nz planes
  local hd_sel=() pil_sel=() raw=()
  pil_peer=$(need_peer pil_slices.py)
  need_py PIL
  take_snapshot
  prepare_file
  read -r sz st sc < <("$PY" -c 'import sys, tifffile
with tifffile.TiffFile(sys.argv[1]) as tf: print(*tf.series[0].shape[:3])' "$FILE")
  per_z=$((st * sc))

  # the same planes for both tools: pil_slices.py takes the first N in file order (z slowest, then t, then c);
  # highdim selects with --z, so N is rounded up to whole z (T*C planes each)
  nz=$sz
  if [[ $LIMIT -gt 0 ]]; then
    nz=$(( (LIMIT + per_z - 1) / per_z )); (( nz <= sz )) || nz=$sz
    hd_sel=(--z "$([[ $nz == 1 ]] && echo 0 || echo "0-$((nz - 1))")")
    pil_sel=(--limit "$((nz * per_z))")
    [[ $((nz * per_z)) == "$LIMIT" ]] || echo "    note: --limit $LIMIT rounded to $((nz * per_z)) planes ($nz z of T*C = $per_z planes; highdim selects whole z)"
  fi
  planes=$((nz * per_z))
  [[ $RAW16 == 1 ]] && raw=(--raw16)
  warm_cache "$FILE"

  # ---- highdim (no --projections: they read every Z, PIL writes the selected planes only)
  measure_highdim slices --output "$W/png-highdim" "${raw[@]}" "${hd_sel[@]}" "$FILE"
  highdim_ok_ids highdim 1 >/dev/null || fail_run highdim "highdim did not accept the image"
  need_pixels_line highdim
  stop_server

  # ---- PIL
  wait_quiet
  cached_n=$(cached)
  say "running PIL: $PY $pil_peer $FILE $W/png-pil ${raw[*]} ${pil_sel[*]}"
  run_measured pil "" "$PY" "$pil_peer" "$FILE" "$W/png-pil" "${raw[@]}" "${pil_sel[@]}" || fail_run pil "pil_slices.py failed"

  # ---- report
  write_context gigabytes "$GB" raw16 "$RAW16" limit "$LIMIT"
  "$PY" "$HERE/bench_report.py" report-slices --file "$FILE" --workdir "$W" --planes "$planes" \
    "${GEN_FLAG[@]}" "${raw[@]}" \
    --cached-before-highdim "$cached_h" --cached-before-numpy "$cached_n" || report_rc=$?
  report_status "$report_rc" "the two tools' PNGs differ"
}
