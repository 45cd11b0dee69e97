#!/usr/bin/python3
"""Helpers for scripts/bench (always run with /usr/bin/python3).

  bench_report.py poll --pid PID --out FILE [--pg-datadir DIR] [--interval 0.2]
      Samples /proc every --interval seconds until PID exits and writes JSON:
        tree_peak_sum_kb     peak of the summed RSS of PID and its descendants
        tree_peak_single_kb  peak RSS of the largest single process of that tree
        tree_peak_single_cmd which process that was
        pg_peak_rss_kb       peak summed RSS of the embedded PostgreSQL (the postmaster whose command line
                             names DIR, plus its children). pg_ctl daemonises the postmaster, so it is NOT a
                             descendant of PID and is not in GNU time's figure; RSS double-counts the shared
                             buffers of every backend, hence also
        pg_peak_pss_kb       the same as PSS (proportional set size, shared pages split between processes)
      Postgres processes found in the tree are left out of the tree figures, so the two never overlap.

  bench_report.py report --file F --workdir W [--generated] ...
      Reads what scripts/bench left in W and prints the table, the ratios and the mean check.
"""
import argparse
import json
import math
import os
import re
import signal
import sys
import time


# ---------------------------------------------------------------- polling

def _proc_table():
    """pid -> (ppid, rss_kb, cmdline) for every readable process."""
    table = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            with open(f'/proc/{pid}/stat', 'rb') as f:
                stat = f.read().decode('utf-8', 'replace')
            # comm may contain spaces/parens: fields after the last ')'
            rest = stat[stat.rindex(')') + 2:].split()
            ppid = int(rest[1])
            rss_pages = int(rest[21])
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                cmd = f.read().replace(b'\0', b' ').decode('utf-8', 'replace').strip()
        except (OSError, ValueError, IndexError):
            continue  # vanished or unreadable
        table[pid] = (ppid, rss_pages * PAGE_KB, cmd)
    return table


def _descendants(table, roots):
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = set(), [r for r in roots if r in table]
    while todo:
        p = todo.pop()
        if p in out:
            continue
        out.add(p)
        todo.extend(children.get(p, []))
    return out


def _pss_kb(pid):
    try:
        with open(f'/proc/{pid}/smaps_rollup') as f:
            for line in f:
                if line.startswith('Pss:'):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


MISMATCH = 3  # exit status of `report` when the means disagree
PAGE_KB = os.sysconf('SC_PAGE_SIZE') // 1024


def poll(a):
    result = {'interval_s': a.interval, 'samples': 0, 'tree_peak_sum_kb': 0, 'tree_peak_single_kb': 0,
              'tree_peak_single_cmd': None, 'pg_peak_rss_kb': 0, 'pg_peak_pss_kb': 0, 'pg_processes_seen': 0}
    stop = {'now': False}

    def write():
        tmp = a.out + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(result, f)
        os.replace(tmp, a.out)

    def on_term(*_):
        stop['now'] = True
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    pg_seen = set()
    last_write = 0.0
    while not stop['now']:
        table = _proc_table()
        if a.pid not in table:
            break
        pg_roots = []
        if a.pg_datadir:
            pg_roots = [p for p, (_, _, cmd) in table.items()
                        if a.pg_datadir in cmd and re.search(r'(^|/)postgres( |$)', cmd.split(' -')[0] + ' ')]
        pg = _descendants(table, pg_roots)
        tree = _descendants(table, [a.pid]) - pg
        tsum = sum(table[p][1] for p in tree)
        result['samples'] += 1
        result['tree_peak_sum_kb'] = max(result['tree_peak_sum_kb'], tsum)
        for p in tree:
            if table[p][1] > result['tree_peak_single_kb']:
                result['tree_peak_single_kb'] = table[p][1]
                result['tree_peak_single_cmd'] = table[p][2][:120]
        if pg:
            pg_seen |= pg
            result['pg_processes_seen'] = len(pg_seen)
            result['pg_peak_rss_kb'] = max(result['pg_peak_rss_kb'], sum(table[p][1] for p in pg))
            result['pg_peak_pss_kb'] = max(result['pg_peak_pss_kb'], sum(_pss_kb(p) for p in pg))
        now = time.monotonic()
        if now - last_write > 2:
            write()
            last_write = now
        time.sleep(a.interval)
    write()


# ---------------------------------------------------------------- report

def _read(path, default=None):
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except OSError:
        return default


def _time_v(path):
    """GNU time -v output -> dict(wall_s, maxrss_kb, user_s, sys_s, cpu_pct, exit) or None."""
    text = _read(path)
    if not text:
        return None
    out = {}
    for line in text.splitlines():
        line = line.strip()
        k, _, v = line.rpartition(': ')
        if k.startswith('Elapsed (wall clock) time'):
            parts = [float(x) for x in v.split(':')]
            s = 0.0
            for x in parts:
                s = s * 60 + x
            out['wall_s'] = s
        elif k == 'Maximum resident set size (kbytes)':
            out['maxrss_kb'] = int(v)
        elif k == 'User time (seconds)':
            out['user_s'] = float(v)
        elif k == 'System time (seconds)':
            out['sys_s'] = float(v)
        elif k == 'Percent of CPU this job got':
            out['cpu_pct'] = v
        elif k == 'Exit status':
            out['exit'] = int(v)
    return out


def _background_cpus(path, t, wall):
    """Average CPUs used by everything else during a run: /proc/stat busy time before/after minus the tool's
    user+sys (GNU time; the embedded PostgreSQL, outside that, is counted as 'other' but is small)."""
    text = _read(path)
    if not text or not t or 'user_s' not in t or not wall:
        return None
    rows = [list(map(int, l.split()[1:])) for l in text.splitlines() if l.startswith('cpu ')]
    if len(rows) != 2:
        return None
    busy = lambda r: sum(r[:3]) + sum(r[5:8])  # user nice system (idle iowait) irq softirq steal
    hz = os.sysconf('SC_CLK_TCK')
    return max(0.0, ((busy(rows[1]) - busy(rows[0])) / hz - t['user_s'] - t['sys_s']) / wall)


def _fmt(x, nd=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return 'n/a'
    return f'{x:.{nd}f}'


def _ratio(a, b):
    return a / b if a is not None and b else None


def _table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: '  '.join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
    print(line(header))
    print('  '.join('-' * w for w in widths))
    for r in rows:
        print(line(r))


def report(a):
    import numpy as np
    import tifffile
    W = a.workdir
    with tifffile.TiffFile(a.file) as tf:
        s = tf.series[0]
        shape, dtype = tuple(s.shape), s.dtype
    pixel_bytes = int(np.prod(shape)) * dtype.itemsize
    ok = True

    # ---- highdim
    h_err = _read(os.path.join(W, 'highdim.err'), '')
    h_time = _time_v(os.path.join(W, 'highdim.time'))
    h_poll = json.loads(_read(os.path.join(W, 'highdim.poll.json'), '{}') or '{}')
    # the Spark progress bar shares stderr, separated by \r: search, do not split on lines
    m = re.search(r'pixels: (\d+) images, (\d+) tasks, (\d+) MB decoded in ([\d.]+) s \(([\d.]+) MB/s\)', h_err)
    h_pix = float(m.group(4)) if m else None
    h_mbps = float(m.group(5)) if m else None
    h_line = m.group(0) if m else None
    h_tasks = int(m.group(2)) if m else None

    # ---- numpy
    n_lines = [l for l in _read(os.path.join(W, 'numpy.out'), '').splitlines() if l.startswith('{')]
    if not n_lines:
        sys.exit('bench_report: no JSON line in numpy_streaming.py\'s output ' + os.path.join(W, 'numpy.out'))
    n_json = json.loads(n_lines[-1])
    n_time = _time_v(os.path.join(W, 'numpy.time'))
    n_poll = json.loads(_read(os.path.join(W, 'numpy.poll.json'), '{}') or '{}')
    n_pix = n_json.get('seconds')
    n_mbps = pixel_bytes / 1e6 / n_pix if n_pix else None

    def wall(t, tag):
        if t and 'wall_s' in t:
            return t['wall_s']
        v = _read(os.path.join(W, tag + '.wall'))
        return float(v) if v else None

    def rss_mb(t, p):
        if t and 'maxrss_kb' in t:
            return t['maxrss_kb'] * 1024 / 1e6
        if p.get('tree_peak_single_kb'):
            return p['tree_peak_single_kb'] * 1024 / 1e6
        return None

    h_wall, n_wall = wall(h_time, 'highdim'), wall(n_time, 'numpy')
    h_rss, n_rss = rss_mb(h_time, h_poll), rss_mb(n_time, n_poll)
    rss_src = 'GNU time -v (max RSS of the largest single process)' if h_time else \
        '/proc polling every 0.2 s (largest single process of the tree)'

    print()
    print(f'file: {a.file}')
    print(f'      {os.path.getsize(a.file)} bytes on disk ({os.path.getsize(a.file) / 1e9:.3f} GB), '
          f'shape Z,T,C,Y,X = {",".join(map(str, shape))}, {dtype}, pixel data {pixel_bytes} bytes'
          + (' (generated by scripts/make-tiff)' if a.generated else ' (given with --file)'))
    print(f'page cache: warmed once with cat before both runs'
          + (f'; resident before highdim: {a.cached_before_highdim}, before numpy: {a.cached_before_numpy}'
             if a.cached_before_highdim else ''))
    print(f'machine: {os.cpu_count()} CPUs; highdim JVM opts: {a.java_opts}; components: {a.components}')
    print()
    header = ['tool', 'wall s', 'peak RSS MB', 'pixel-pass s', 'throughput MB/s']
    rows = [
        ['highdim (Spark local[*])', _fmt(h_wall), _fmt(h_rss, 0), _fmt(h_pix), _fmt(h_mbps, 1)],
        ['numpy_streaming.py', _fmt(n_wall), _fmt(n_rss, 0), _fmt(n_pix), _fmt(n_mbps, 1)],
    ]
    _table(rows, header)
    print()
    rw, rr = _ratio(h_wall, n_wall), _ratio(h_rss, n_rss)
    rp = _ratio(h_pix, n_pix)
    print(f'highdim/numpy: wall time x{_fmt(rw)}, peak RSS x{_fmt(rr)}, pixel pass x{_fmt(rp)}')
    print()
    print('notes:')
    print(f'  MB = 10^6 bytes. peak RSS: {rss_src}. For highdim that is the JVM (driver + local executors);')
    pg_rss, pg_pss = h_poll.get('pg_peak_rss_kb'), h_poll.get('pg_peak_pss_kb')
    if pg_rss:
        print(f'  the embedded PostgreSQL is NOT included (pg_ctl daemonises it): polled separately, its '
              f'{h_poll.get("pg_processes_seen")} processes peaked at {pg_rss * 1024 / 1e6:.0f} MB RSS summed '
              f'({pg_pss * 1024 / 1e6:.0f} MB PSS).')
    else:
        print('  the embedded PostgreSQL is NOT included (pg_ctl daemonises it); the poller did not see it.')
    if h_poll.get('tree_peak_sum_kb'):
        print(f'  cross-check by /proc polling (0.2 s): highdim tree peak {h_poll["tree_peak_sum_kb"] * 1024 / 1e6:.0f} MB'
              f' summed, numpy {n_poll.get("tree_peak_sum_kb", 0) * 1024 / 1e6:.0f} MB.')
    print(f'  pixel-pass s: highdim = its "pixels:" log line (Spark job over {h_tasks} tasks, from submit to '
          f'collect); numpy = its JSON "seconds" (whole script after imports, incl. PCA).')
    print(f'  numpy throughput = {pixel_bytes / 1e6:.0f} MB of pixel data / its seconds.')
    for tag, t in (('highdim', h_time), ('numpy', n_time)):
        if t and 'user_s' in t:
            print(f'  {tag}: CPU user {t["user_s"]:.1f} s + sys {t["sys_s"]:.1f} s, GNU time "Percent of CPU" {t.get("cpu_pct")}')
    if h_line:
        print(f'  highdim log: {h_line}')
    # contention: CPU time the whole machine spent busy during each run, minus the tool's own (GNU time)
    for tag, t, wl in (('highdim', h_time, h_wall), ('numpy', n_time, n_wall)):
        bg = _background_cpus(os.path.join(W, tag + '.cpustat'), t, wl)
        if bg is not None:
            warn = '  <-- WARNING: other processes competed for the CPUs; timings are not clean' \
                if bg > 0.15 * (os.cpu_count() or 1) else ''
            print(f'  other processes during the {tag} run: {bg:.2f} CPUs busy on average '
                  f'(of {os.cpu_count()}){warn}')
    # stage breakdown from the highdim log
    stages = []
    for pat, label, scale in ((r'PostgreSQL on port \d+ .*? started in (\d+) ms', 'postgres start', 1e-3),
                              (r'ingest: .*? in ([\d.]+) s', 'ingest', 1),
                              (r'pixels: .*? in ([\d.]+) s', 'pixel pass', 1),
                              (r'catalogue: wrote .*? in (\d+) ms', 'catalogue write', 1e-3)):
        mm = re.search(pat, h_err)
        if mm:
            stages.append((label, float(mm.group(1)) * scale))
    if stages and h_wall:
        known = sum(v for _, v in stages)
        print('  highdim stages: ' + ', '.join(f'{k} {v:.2f} s' for k, v in stages)
              + f'; rest (JVM + SparkSession start/stop, PCA, planning) {h_wall - known:.2f} s')

    # ---- means
    print()
    try:
        h_stats = json.loads(_read(os.path.join(W, 'highdim.stats.json'), '').strip().splitlines()[-1])
    except (ValueError, IndexError, AttributeError):
        h_stats = None
    if not h_stats:
        print('per-channel means: MISMATCH (no statistics from `highdim show statistics`)')
        return MISMATCH
    hm, nm = h_stats['mean'], n_json['mean']
    print('per-channel means (tolerance 1e-9 relative):')
    _table([[str(c), repr(hm[c]) if c < len(hm) else '-', repr(nm[c]) if c < len(nm) else '-',
             (f'{abs(hm[c] - nm[c]) / max(abs(hm[c]), abs(nm[c]), 1e-300):.1e}' if c < min(len(hm), len(nm)) else '-')]
            for c in range(max(len(hm), len(nm)))],
           ['channel', 'highdim', 'numpy', 'rel diff'])
    good = len(hm) == len(nm) and all(math.isclose(x, y, rel_tol=1e-9, abs_tol=0) for x, y in zip(hm, nm))
    print('means: ' + ('OK' if good else 'MISMATCH'))
    hs, ns = h_stats.get('std'), n_json.get('std')
    if hs and ns and len(hs) == len(ns):
        worst = max(abs(x - y) / max(abs(x), abs(y), 1e-300) for x, y in zip(hs, ns))
        print(f'(for information: std max rel diff {worst:.1e}; numpy uses sum-of-squares, highdim its own moments)')
    return 0 if good else MISMATCH


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('poll')
    p.add_argument('--pid', type=int, required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--pg-datadir')
    p.add_argument('--interval', type=float, default=0.2)
    r = sub.add_parser('report')
    r.add_argument('--file', required=True)
    r.add_argument('--workdir', required=True)
    r.add_argument('--generated', action='store_true')
    r.add_argument('--java-opts', default='')
    r.add_argument('--components', default='2')
    r.add_argument('--cached-before-highdim', default='')
    r.add_argument('--cached-before-numpy', default='')
    a = ap.parse_args()
    if a.cmd == 'poll':
        poll(a)
        return 0
    return report(a)


if __name__ == '__main__':
    sys.exit(main())
