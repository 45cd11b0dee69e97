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

  bench_report.py report --file F --workdir W [--generated] ...          (scripts/bench [--gigabytes|--file])
  bench_report.py report-files --dir D --workdir W --check-ids ID...     (scripts/bench --files N)
  bench_report.py report-slices --file F --workdir W --planes N [--raw16] (scripts/bench --slices)
  bench_report.py report-scale-out --file F --workdir W                  (scripts/bench --scale-out)
      Read what scripts/bench left in W (TAG.out/.err/.time/.poll.json/.wall/.cpustat of each measured run,
      context.json) and print the table, the ratios, the checks and a summary block for the README. Exit status
      3 when the two tools' results disagree.

  bench_report.py make-files --dir D --count N --shape Z,T,C,Y,X
      Writes N uint16 shaped files D/img_0000.tif... (seeds 0..N-1) with make_tiff.py's generator, in one process.
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


# ---------------------------------------------------------------- shared by the reports

class Run:
    """What scripts/bench's run_measured left in W for one measured run: TAG.{out,err,time,poll.json,wall,cpustat}."""

    def __init__(self, W, tag, label):
        self.tag, self.label = tag, label
        self.out = _read(os.path.join(W, tag + '.out'), '')
        self.err = _read(os.path.join(W, tag + '.err'), '')
        self.time = _time_v(os.path.join(W, tag + '.time'))
        self.poll = json.loads(_read(os.path.join(W, tag + '.poll.json'), '{}') or '{}')
        if self.time and 'wall_s' in self.time:
            self.wall = self.time['wall_s']
        else:
            v = _read(os.path.join(W, tag + '.wall'))
            self.wall = float(v) if v else None
        if self.time and 'maxrss_kb' in self.time:
            self.rss_mb = self.time['maxrss_kb'] * 1024 / 1e6
        elif self.poll.get('tree_peak_single_kb'):
            self.rss_mb = self.poll['tree_peak_single_kb'] * 1024 / 1e6
        else:
            self.rss_mb = None
        self.background = _background_cpus(os.path.join(W, tag + '.cpustat'), self.time, self.wall)
        server = _read(os.path.join(W, tag + '.server-ticks'))  # --server: the server's CPU is the tool's
        if self.background is not None and server and server.strip().isdigit():
            self.background = max(0.0, self.background - int(server) / os.sysconf('SC_CLK_TCK') / self.wall)
        # highdim's log: the Spark progress bar shares stderr, separated by \r: search, do not split on lines
        m = re.search(r'pixels: (\d+) images, (\d+) tasks, (\d+) MB decoded in ([\d.]+) s \(([\d.]+) MB/s\)',
                      self.err)
        self.pix_line = m.group(0) if m else None
        self.pix_tasks = int(m.group(2)) if m else None
        self.pix_mb = int(m.group(3)) if m else None
        self.pix_s = float(m.group(4)) if m else None
        self.pix_mbps = float(m.group(5)) if m else None

    def json_line(self, what):
        lines = [l for l in self.out.splitlines() if l.startswith('{')]
        if not lines:
            sys.exit(f'bench_report: no JSON line in the output of {what} ({self.tag}.out)')
        return json.loads(lines[-1])

    def stages(self):
        """(label, seconds) of highdim's per-stage log lines."""
        out = []
        for pat, label, scale in ((r'PostgreSQL on port \d+ .*? started in (\d+) ms', 'postgres start', 1e-3),
                                  (r'ingest: .*? in ([\d.]+) s', 'ingest', 1),
                                  (r'index: .*? in ([\d.]+) s', 'index of large files', 1),
                                  (r'pixels: .*? in ([\d.]+) s', 'pixel pass', 1),
                                  (r'catalogue: wrote .*? in (\d+) ms', 'catalogue write', 1e-3),
                                  (r'catalogue: .*? the last done (\d+) ms after the pass', 'catalogue after pass',
                                   1e-3)):
            mm = re.search(pat, self.err)
            if mm:
                out.append((label, float(mm.group(1)) * scale))
        return out


def _notes_rss(h, others, what='the JVM (driver + local executors)'):
    rss_src = 'GNU time -v (max RSS of the largest single process)' if h.time else \
        '/proc polling every 0.2 s (largest single process of the tree)'
    print(f'  MB = 10^6 bytes. peak RSS: {rss_src}. For highdim that is {what};')
    pg_rss, pg_pss = h.poll.get('pg_peak_rss_kb'), h.poll.get('pg_peak_pss_kb')
    if pg_rss:
        print(f'  the embedded PostgreSQL is NOT included (pg_ctl daemonises it): polled separately, its '
              f'{h.poll.get("pg_processes_seen")} processes peaked at {pg_rss * 1024 / 1e6:.0f} MB RSS summed '
              f'({pg_pss * 1024 / 1e6:.0f} MB PSS).')
    else:
        print('  the embedded PostgreSQL is NOT included (pg_ctl daemonises it); the poller did not see it.')
    if h.poll.get('tree_peak_sum_kb'):
        print(f'  cross-check by /proc polling (0.2 s): {h.label} tree peak {h.poll["tree_peak_sum_kb"] * 1024 / 1e6:.0f} MB'
              ' summed, ' + ', '.join(f'{r.label} {r.poll.get("tree_peak_sum_kb", 0) * 1024 / 1e6:.0f} MB'
                                      for r in others) + '.')


def _notes_one_run(h, peer, pass_note, rest='JVM + SparkSession start/stop, PCA, planning', extra=()):
    """The notes of a mode with one highdim run beside one peer: memory, how its pass is timed, CPU, contention."""
    _notes_rss(h, [peer])
    print(pass_note)
    for line in extra:
        print(line)
    _notes_cpu([h, peer])
    if h.pix_line:
        print(f'  highdim log: {h.pix_line}')
    _notes_contention([h, peer])
    _notes_stages(h, rest)


# the "pixels:" log line times the pass: planning its tasks, the Spark job, the last task's result merged
PASS_TIMING = 'from planning to the last task\'s result'


def _notes_cpu(runs):
    for r in runs:
        t = r.time
        if t and 'user_s' in t:
            print(f'  {r.label}: CPU user {t["user_s"]:.1f} s + sys {t["sys_s"]:.1f} s, GNU time "Percent of CPU" {t.get("cpu_pct")}')


def _notes_contention(runs):
    # CPU time the whole machine spent busy during each run, minus the tool's own (GNU time)
    for r in runs:
        if r.background is not None:
            warn = '  <-- WARNING: other processes competed for the CPUs; timings are not clean' \
                if r.background > 0.15 * (os.cpu_count() or 1) else ''
            print(f'  other processes during the {r.label} run: {r.background:.2f} CPUs busy on average '
                  f'(of {os.cpu_count()}){warn}')


def _notes_stages(h, rest='JVM + SparkSession start/stop, PCA, planning'):
    stages = h.stages()
    if stages and h.wall:
        known = sum(v for _, v in stages)
        print(f'  {h.label} stages: ' + ', '.join(f'{k} {v:.2f} s' for k, v in stages)
              + f'; rest ({rest}) {h.wall - known:.2f} s')


def _verdict(ratio, target):
    if ratio is None:
        return f'≥ {target}'
    return f'≥ {target}: ' + ('met' if ratio >= target else 'not met')


def _describe_file(path):
    import tifffile
    with tifffile.TiffFile(path) as tf:
        s = tf.series[0]
        shape, dtype = tuple(s.shape), s.dtype
    pixel_bytes = math.prod(shape) * dtype.itemsize
    return shape, dtype, pixel_bytes


def _summary(W, row, runs, java_opts=True):
    """The block to paste into the README: one Markdown table (header + this row) and a line of context."""
    ctx = json.loads(_read(os.path.join(W, 'context.json'), '{}') or '{}')
    print()
    print('---- summary (Markdown, for the README) ----')
    print('| benchmark | input | highdim | peer | ratio | target | check |')
    print('|---|---|---|---|---|---|---|')
    print('| ' + ' | '.join(row) + ' |')
    print()
    load = ', '.join(f'{r.label} {r.background:.2f}' for r in runs if r.background is not None)
    print(f'`{ctx.get("command", "scripts/bench").strip()}`; {time.strftime("%Y-%m-%d", time.gmtime())}; '
          f'git {ctx.get("git", "?")}, jar of {ctx.get("jar_time", "?")}; {os.cpu_count()} CPUs'
          + (f'; HIGHDIM_JAVA_OPTS {ctx.get("java_opts")}' if java_opts and ctx.get('java_opts') else '')
          + (f'; catalogue {ctx["catalogue"]}' if ctx.get('catalogue') else '')
          + (f'; highdim\'s runs sent to {ctx["via"]}, its peak RSS the client\'s' if 'serve' in ctx.get('via', '')
             else '')
          + (f'; other processes during the runs (CPUs): {load}' if load else '') + '.')
    print('---- end of summary ----')


def _input_cell(path, shape, dtype, pixel_bytes):
    return f'{pixel_bytes / 1e9:.2f} GB {dtype}, {"×".join(map(str, shape))} (Z×T×C×Y×X)'


def _check_means(hm, nm, labels=('highdim', 'numpy'), title='per-channel means (tolerance 1e-9 relative):'):
    """Prints the per-channel table; True if they agree."""
    print(title)
    _table([[str(c), repr(hm[c]) if c < len(hm) else '-', repr(nm[c]) if c < len(nm) else '-',
             (f'{abs(hm[c] - nm[c]) / max(abs(hm[c]), abs(nm[c]), 1e-300):.1e}' if c < min(len(hm), len(nm)) else '-')]
            for c in range(max(len(hm), len(nm)))],
           ['channel', labels[0], labels[1], 'rel diff'])
    return len(hm) == len(nm) and all(math.isclose(x, y, rel_tol=1e-9, abs_tol=0) for x, y in zip(hm, nm))


def _stats_json(W, tag):
    try:
        return json.loads(_read(os.path.join(W, tag + '.stats.json'), '').strip().splitlines()[-1])
    except (ValueError, IndexError, AttributeError):
        return None


# ---------------------------------------------------------------- report: one file, highdim vs numpy_streaming

def report(a):
    W = a.workdir
    shape, dtype, pixel_bytes = _describe_file(a.file)
    h, n = Run(W, 'highdim', 'highdim'), Run(W, 'numpy', 'numpy')
    n_json = n.json_line("numpy_streaming.py")
    n_pix = n_json.get('seconds')
    n_mbps = pixel_bytes / 1e6 / n_pix if n_pix else None

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
        ['highdim (Spark local[*])', _fmt(h.wall), _fmt(h.rss_mb, 0), _fmt(h.pix_s), _fmt(h.pix_mbps, 1)],
        ['numpy_streaming.py', _fmt(n.wall), _fmt(n.rss_mb, 0), _fmt(n_pix), _fmt(n_mbps, 1)],
    ]
    _table(rows, header)
    print()
    rw, rr = _ratio(h.wall, n.wall), _ratio(h.rss_mb, n.rss_mb)
    rp = _ratio(h.pix_s, n_pix)
    print(f'highdim/numpy: wall time x{_fmt(rw)}, peak RSS x{_fmt(rr)}, pixel pass x{_fmt(rp)}')
    nh = _ratio(n.wall, h.wall)
    print(f'numpy/highdim wall = {_fmt(nh)} (target ≥ 2.0 for 10 GB, ≥ 0.6 for 1 GB)')
    print()
    print('notes:')
    _notes_one_run(h, n, f'  pixel-pass s: highdim = its "pixels:" log line (Spark job over {h.pix_tasks} tasks, '
                         f'{PASS_TIMING}); numpy = its JSON "seconds" (whole script after imports, incl. PCA).',
                   extra=[f'  numpy throughput = {pixel_bytes / 1e6:.0f} MB of pixel data / its seconds.'])

    # ---- means
    print()
    h_stats = _stats_json(W, 'highdim')
    if not h_stats:
        print('per-channel means: MISMATCH (no statistics from `highdim show statistics`)')
        good = False
    else:
        hm, nm = h_stats['mean'], n_json['mean']
        good = _check_means(hm, nm)
        print('means: ' + ('OK' if good else 'MISMATCH'))
        hs, ns = h_stats.get('std'), n_json.get('std')
        if hs and ns and len(hs) == len(ns):
            worst = max(abs(x - y) / max(abs(x), abs(y), 1e-300) for x, y in zip(hs, ns))
            print(f'(for information: std max rel diff {worst:.1e}; numpy uses sum-of-squares, highdim its own moments)')

    gb = pixel_bytes / 1e9
    target = 2.0 if 9 <= gb <= 11 else 0.6 if 0.9 <= gb <= 1.1 else None
    _summary(W, [
        'one file, `run --no-slices` vs numpy_streaming.py',
        _input_cell(a.file, shape, dtype, pixel_bytes),
        f'{_fmt(h.wall, 1)} s wall, pixel pass {_fmt(h.pix_s, 1)} s, {_fmt(h.rss_mb, 0)} MB RSS',
        f'{_fmt(n.wall, 1)} s wall, {_fmt(n.rss_mb, 0)} MB RSS',
        f'numpy/highdim wall **{_fmt(nh)}**',
        _verdict(nh, target) + (' (1 GB)' if target == 0.6 else ' (10 GB)') if target
        else '≥ 2.0 at 10 GB, ≥ 0.6 at 1 GB',
        'means equal' if good else '**means differ**',
    ], [h, n])
    return 0 if good else MISMATCH


# ---------------------------------------------------------------- report-files: N small files, vs numpy_many

def report_files(a):
    import numpy as np
    import tifffile
    W = a.workdir
    files = sorted(f for f in os.listdir(a.dir) if f.endswith('.tif'))
    nbytes = sum(os.path.getsize(os.path.join(a.dir, f)) for f in files)
    shape, dtype, pixel_bytes = _describe_file(os.path.join(a.dir, files[0]))
    h, n = Run(W, 'highdim', 'highdim'), Run(W, 'numpy', 'numpy_many')
    n_json = n.json_line('numpy_many.py')

    print()
    print(f'files: {len(files)} in {a.dir}, {nbytes} bytes on disk ({nbytes / 1e9:.3f} GB); each Z,T,C,Y,X = '
          f'{",".join(map(str, shape))}, {dtype}, {pixel_bytes} bytes of pixel data (scripts/make_tiff.py, seeds 0..'
          f'{len(files) - 1})')
    print(f'page cache: warmed once with cat before both runs'
          + (f'; resident before highdim: {a.cached_before_highdim}, before numpy_many: {a.cached_before_numpy}'
             if a.cached_before_highdim else ''))
    print(f'machine: {os.cpu_count()} CPUs')
    print()
    n_s = n_json.get('seconds')
    _table([
        ['highdim (Spark local[*])', _fmt(h.wall), _fmt(h.rss_mb, 0), _fmt(h.pix_s), _fmt(_ratio(len(files), h.wall), 1)],
        ['numpy_many.py', _fmt(n.wall), _fmt(n.rss_mb, 0), _fmt(n_s), _fmt(_ratio(len(files), n.wall), 1)],
    ], ['tool', 'wall s', 'peak RSS MB', 'pixel-pass s', 'files/s (wall)'])
    print()
    ratio = _ratio(n.wall, h.wall)
    print(f'highdim/numpy_many: wall time x{_fmt(_ratio(h.wall, n.wall))}, peak RSS x{_fmt(_ratio(h.rss_mb, n.rss_mb))}')
    print(f'numpy_many/highdim wall = {_fmt(ratio)} (target ≥ 0.7)')
    if os.path.exists(os.path.join(W, 'highdim-rerun.wall')):
        r = Run(W, 'highdim-rerun', 'highdim rerun')
        print(f'highdim rerun of the same command over the unchanged files (all "unchanged", no pixel read): '
              f'{_fmt(r.wall)} s wall, peak RSS {_fmt(r.rss_mb, 0)} MB = {_fmt(100 * _ratio(r.wall, h.wall), 1)} % '
              f'of its first run (target < 15 %)')
    print()
    print('notes:')
    _notes_one_run(h, n, f'  pixel-pass s: highdim = its "pixels:" log line (one Spark job over {h.pix_tasks} tasks '
                         f'for all images, {PASS_TIMING}); numpy_many = its JSON "seconds" (all files after imports: '
                         f'numpy_streaming.py run in-process per file, {n_json.get("files")} files, '
                         f'{n_json.get("bytes")} bytes).')

    # ---- means of a few images: highdim's catalogue vs numpy over tifffile's whole array (float64)
    print()
    good = n_json.get('files') == len(files)
    if not good:
        print(f'numpy_many.py read {n_json.get("files")} files, not {len(files)}: MISMATCH')
    for i, image_id in enumerate(a.check_ids):
        arr = tifffile.imread(os.path.join(a.dir, image_id + '.tif'))
        nm = arr.astype(np.float64).mean(axis=(0, 1, 3, 4)).tolist()
        hs = _stats_json(W, f'check{i}')
        if not hs:
            print(f'{image_id}: MISMATCH (no statistics from `highdim show statistics`)')
            good = False
            continue
        ok = _check_means(hs['mean'], nm, ('highdim', 'numpy'),
                          f'{image_id}: per-channel means, highdim vs numpy over tifffile.imread (1e-9 relative):')
        good &= ok
    print('means: ' + ('OK' if good else 'MISMATCH') + f' ({len(a.check_ids)} of {len(files)} images checked)')

    _summary(W, [
        f'{len(files)} files, `run --no-slices DIR` vs numpy_many.py',
        f'{len(files)} × {nbytes / len(files) / 1e6:.2f} MB {dtype}, {"×".join(map(str, shape))} (Z×T×C×Y×X)',
        f'{_fmt(h.wall, 1)} s wall, pixel pass {_fmt(h.pix_s, 1)} s, {_fmt(h.rss_mb, 0)} MB RSS',
        f'{_fmt(n.wall, 1)} s wall, {_fmt(n.rss_mb, 0)} MB RSS',
        f'numpy_many/highdim wall **{_fmt(ratio)}**',
        _verdict(ratio, 0.7),
        f'means of {len(a.check_ids)} images equal' if good else '**means differ**',
    ], [h, n])
    return 0 if good else MISMATCH


# ---------------------------------------------------------------- report-slices: PNGs, vs pil_slices

def _png_files(root, raw, folder=None):
    """{name: size} of the PNGs under root (not Hadoop's .crc side files), 8-bit or raw16; with folder, only those
    in folders of that name (highdim's slices/, not projections/ should its slices command be given --projections)."""
    out = {}
    for d, _, names in os.walk(root):
        if folder is not None and os.path.basename(d) != folder:
            continue
        for f in names:
            if f.endswith('.png') and not f.startswith('.') and f.endswith('_raw16.png') == raw:
                out[os.path.join(d, f)] = os.path.getsize(os.path.join(d, f))
    return out


def report_slices(a):
    import numpy as np
    import tifffile
    from PIL import Image
    W = a.workdir
    shape, dtype, pixel_bytes = _describe_file(a.file)
    Z, T, C, Y, X = shape
    with tifffile.TiffFile(a.file) as tf:
        spp = tf.pages[0].samplesperpixel
    h, p = Run(W, 'highdim', 'highdim'), Run(W, 'pil', 'PIL')
    p_json = p.json_line('pil_slices.py')
    hd_root, pil_root = os.path.join(W, 'png-highdim'), os.path.join(W, 'png-pil')
    h8, h16 = _png_files(hd_root, False, 'slices'), _png_files(hd_root, True, 'slices')
    p8, p16 = _png_files(pil_root, False), _png_files(pil_root, True)
    h_planes, p_planes = len(h8), p_json.get('planes')
    h_pps, h_pps_wall = _ratio(h_planes, h.pix_s), _ratio(h_planes, h.wall)
    p_pps, p_pps_wall = p_json.get('planes_per_s'), _ratio(p_planes, p.wall)
    mb = lambda d: sum(d.values()) / 1e6
    plane_mb = Y * X * dtype.itemsize / 1e6

    print()
    print(f'file: {a.file}')
    print(f'      {os.path.getsize(a.file)} bytes on disk ({os.path.getsize(a.file) / 1e9:.3f} GB), '
          f'shape Z,T,C,Y,X = {",".join(map(str, shape))}, {dtype}, {Z * T * C} planes of {Y}×{X}'
          + (' (generated by scripts/make-tiff)' if a.generated else ' (given with --file)'))
    print((f'planes: all {a.planes}' if a.planes == Z * T * C else
           f'planes: {a.planes} of {Z * T * C} (the first {a.planes // (T * C)} z)') + ', 8-bit display PNGs'
          + (' + raw 16-bit PNGs' if a.raw16 else ''))
    print(f'page cache: warmed once with cat before both runs'
          + (f'; resident before highdim: {a.cached_before_highdim}, before PIL: {a.cached_before_numpy}'
             if a.cached_before_highdim else ''))
    print(f'machine: {os.cpu_count()} CPUs')
    print()
    _table([
        ['highdim slices (Spark local[*])', _fmt(h.wall), _fmt(h.rss_mb, 0), _fmt(h.pix_s), str(h_planes),
         _fmt(h_pps, 1), _fmt(h_pps_wall, 1), _fmt(mb(h8), 1), _fmt(mb(h16), 1) if a.raw16 else '-'],
        ['pil_slices.py', _fmt(p.wall), _fmt(p.rss_mb, 0), _fmt(p_json.get('seconds')), str(p_planes),
         _fmt(p_pps, 1), _fmt(p_pps_wall, 1), _fmt(mb(p8), 1), _fmt(mb(p16), 1) if a.raw16 else '-'],
    ], ['tool', 'wall s', 'peak RSS MB', 'pass s', 'planes', 'planes/s', 'planes/s (wall)', 'PNG 8-bit MB',
        'PNG 16-bit MB'])
    print()
    ratio, ratio_wall = _ratio(h_pps, p_pps), _ratio(h_pps_wall, p_pps_wall)
    print(f'highdim/PIL planes/s = {_fmt(ratio)} (pass; target ≥ 10); by wall time {_fmt(ratio_wall)}; '
          f'PNG bytes highdim/PIL x{_fmt(_ratio(mb(h8) + mb(h16), mb(p8) + mb(p16)))}')
    print()
    print('notes:')
    extra = []
    if h.pix_mb is not None and h.pix_mb > a.planes * plane_mb * 1.05:
        extra.append(f'  highdim decoded {h.pix_mb} MB for {a.planes} planes ({a.planes * plane_mb:.0f} MB): its pass '
                     f'read more planes than it wrote, so with --limit its planes/s is a lower bound.')
    _notes_one_run(h, p, f'  pass s: highdim = its "pixels:" log line (one Spark job over {h.pix_tasks} tasks, '
                         f'{PASS_TIMING}); PIL = its JSON "seconds" (after imports). planes/s = PNG planes written / '
                         f'pass s (highdim: 8-bit files found under its --output, PIL: its JSON "planes"); PNG MB = sum '
                         f'of the files\' sizes.', rest='JVM + SparkSession start/stop, planning', extra=extra)

    # ---- the same PNGs: 8-bit within +-1 grey level, raw 16-bit equal, for 3 planes (first, middle, last)
    print()
    good = h_planes == a.planes and p_planes == a.planes
    if not good:
        print(f'planes written: highdim {h_planes}, PIL {p_planes}, expected {a.planes}: MISMATCH')
    slices_dir = os.path.dirname(next(iter(h8))) if h8 else hd_root
    rows = []
    for k in sorted({0, (a.planes - 1) // 2, a.planes - 1}):
        z, t, c = k // (T * C), (k // C) % T, k % C
        pil_name = f'p{z * T + t}_s{c}' if spp == C else f'p{(z * T + t) * C + c}_s0'
        for suffix in ('', '_raw16') if a.raw16 else ('',):
            hf = os.path.join(slices_dir, f'z{z}_t{t}_c{c}{suffix}.png')
            pf = os.path.join(pil_root, pil_name + suffix + '.png')
            if not (os.path.exists(hf) and os.path.exists(pf)):
                rows.append([f'z{z} t{t} c{c}{suffix}', os.path.basename(hf), os.path.basename(pf), 'missing', '-', 'MISMATCH'])
                good = False
                continue
            ha = np.asarray(Image.open(hf)).astype(np.int64)
            pa = np.asarray(Image.open(pf)).astype(np.int64)
            if ha.shape != pa.shape:
                rows.append([f'z{z} t{t} c{c}{suffix}', os.path.basename(hf), os.path.basename(pf),
                             f'shape {ha.shape} vs {pa.shape}', '-', 'MISMATCH'])
                good = False
                continue
            d = np.abs(ha - pa)
            ok = d.max() <= (0 if suffix else 1)
            good &= bool(ok)
            rows.append([f'z{z} t{t} c{c}{suffix}', os.path.basename(hf), os.path.basename(pf), str(int(d.max())),
                         f'{100 * (d > 0).mean():.1f}%', 'OK' if ok else 'MISMATCH'])
    print('PNGs, read back with PIL (8-bit: within ±1 grey level; raw 16-bit: equal):')
    _table(rows, ['plane', 'highdim', 'PIL', 'max |diff|', 'pixels differing', 'check'])
    print('PNGs: ' + ('OK' if good else 'MISMATCH'))

    kind = '8-bit' + (' + 16-bit' if a.raw16 else '')
    _summary(W, [
        f'slices ({kind} PNG), {a.planes} planes, `slices` vs pil_slices.py',
        _input_cell(a.file, shape, dtype, pixel_bytes),
        f'{_fmt(h_pps, 1)} planes/s (pass), {_fmt(h_pps_wall, 1)} planes/s (wall), {_fmt(mb(h8) + mb(h16), 0)} MB PNG',
        f'{_fmt(p_pps, 2)} planes/s, {_fmt(mb(p8) + mb(p16), 0)} MB PNG',
        f'highdim/PIL planes/s **{_fmt(ratio, 1)}**',
        _verdict(ratio, 10),
        ('8-bit within ±1' + (', raw equal' if a.raw16 else '')) if good else '**PNGs differ**',
    ], [h, p])
    return 0 if good else MISMATCH


# ---------------------------------------------------------------- report-scale-out: 1 vs 2 executors

def _event_log(d):
    """Successful tasks per executor id and the executors added, from Spark's event log in folder d."""
    tasks, added = {}, set()
    for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        for line in _read(os.path.join(d, f), '').splitlines():
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get('Event') == 'SparkListenerExecutorAdded':
                added.add(str(e.get('Executor ID')))
            elif e.get('Event') == 'SparkListenerTaskEnd' and e.get('Task End Reason', {}).get('Reason') == 'Success':
                ex = str(e.get('Task Info', {}).get('Executor ID'))
                tasks[ex] = tasks.get(ex, 0) + 1
    return tasks, added


def report_scale_out(a):
    W = a.workdir
    ctx = json.loads(_read(os.path.join(W, 'context.json'), '{}') or '{}')
    shape, dtype, pixel_bytes = _describe_file(a.file)
    one, two = Run(W, 'one', '1 executor'), Run(W, 'two', '2 executors')
    ev = {r.tag: _event_log(os.path.join(W, 'events-' + r.tag)) for r in (one, two)}

    print()
    print(f'file: {a.file}')
    print(f'      {os.path.getsize(a.file)} bytes on disk ({os.path.getsize(a.file) / 1e9:.3f} GB), '
          f'shape Z,T,C,Y,X = {",".join(map(str, shape))}, {dtype}, pixel data {pixel_bytes} bytes'
          + (' (generated by scripts/make-tiff)' if a.generated else ' (given with --file)'))
    pinned = str(ctx.get('pinned', '0')) == '1'
    print(f'cluster: scripts/local-cluster on 127.0.0.1 ({ctx.get("master", "?")}), two Workers of 1 core'
          + (', each pinned to a CPU of its own with its executor (taskset: the executor\'s JIT and GC threads share '
             'that CPU, as in a 1-core container)' if pinned else ', not pinned (an executor\'s JIT and GC threads '
             'may use either CPU)')
          + f'; executors of 1 core and {ctx.get("executor_memory", "?")}; driver in client mode (spark-submit JVM, '
          '-Xmx1g, not pinned)')
    print(f'page cache: warmed once with cat before both runs; machine: {os.cpu_count()} CPUs')
    print()
    _table([[r.label, _fmt(r.wall), _fmt(r.rss_mb, 0), _fmt(r.pix_s), _fmt(r.pix_mbps, 1), str(r.pix_tasks),
             ', '.join(f'{k}: {v}' for k, v in sorted(ev[r.tag][0].items())) or '-']
            for r in (one, two)],
           ['run', 'wall s', 'driver RSS MB', 'pixel-pass s', 'throughput MB/s', 'pass tasks', 'tasks per executor'])
    print()
    ratio = _ratio(one.pix_s, two.pix_s)
    print(f'pixel pass 1 executor / 2 executors = {_fmt(ratio)} (target ≥ 1.7); wall time {_fmt(_ratio(one.wall, two.wall))}')
    print()
    print('notes:')
    print(f'  pixel-pass s: the driver\'s "pixels:" log line ({PASS_TIMING}); wall = the whole '
          'spark-submit (JVM, embedded PostgreSQL, executors starting, ingest, pass, catalogue).')
    print('  driver RSS: GNU time of the spark-submit JVM; the executors are children of the Worker, not of it, and '
          'are not included.')
    _notes_cpu([one, two])
    for r in (one, two):
        if r.pix_line:
            print(f'  {r.label} log: {r.pix_line}')
    _notes_contention([one, two])
    for r in (one, two):
        _notes_stages(r, 'JVM, SparkContext and executors start/stop, PCA, planning')

    # ---- checks: the 2-executor run used 2 executors; the two runs' channel means agree
    print()
    used = {tag: [k for k in t if k != 'driver'] for tag, (t, _) in ev.items()}
    good = len(used['two']) >= 2 and len(used['one']) == 1
    print(f'executors that ran tasks: 1-executor run {sorted(used["one"])}, 2-executor run {sorted(used["two"])}: '
          + ('OK' if good else 'MISMATCH (expected 1 and 2)'))
    s1, s2 = _stats_json(W, 'one'), _stats_json(W, 'two')
    if not (s1 and s2):
        print('per-channel means: MISMATCH (no statistics from `highdim show statistics`)')
        good = False
    else:
        ok = _check_means(s1['mean'], s2['mean'], ('1 executor', '2 executors'))
        print('means: ' + ('OK' if ok else 'MISMATCH'))
        good &= ok

    _summary(W, [
        'scale-out, `run --no-slices` on a standalone cluster, 2 vs 1 executors of 1 core'
        + (' (each pinned to a CPU)' if pinned else ' (not pinned)'),
        _input_cell(a.file, shape, dtype, pixel_bytes),
        f'2 executors: pixel pass {_fmt(two.pix_s, 1)} s, {_fmt(two.wall, 1)} s wall',
        f'1 executor: pixel pass {_fmt(one.pix_s, 1)} s, {_fmt(one.wall, 1)} s wall',
        f'1/2 executors pixel pass **{_fmt(ratio)}**',
        _verdict(ratio, 1.7),
        'means equal, tasks on 2 executors' if good else '**check failed**',
    ], [one, two], java_opts=False)
    return 0 if good else MISMATCH


# ---------------------------------------------------------------- make-files

def make_files(a):
    """N small shaped files in one process, through make_tiff.py's generator (no Python start-up per file)."""
    import contextlib
    import io
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_tiff
    os.makedirs(a.dir, exist_ok=True)
    width = max(4, len(str(a.count - 1)))
    t0 = time.monotonic()
    for i in range(a.count):
        args = ['--out', os.path.join(a.dir, f'{a.prefix}{i:0{width}d}.tif'), '--shape', a.shape, '--dtype',
                'uint16', '--flavour', 'shaped', '--seed', str(a.first_seed + i), '--quiet']
        with contextlib.redirect_stdout(io.StringIO()):
            make_tiff.main(args)
    print(f'    wrote {a.count} files in {time.monotonic() - t0:.1f} s')
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('poll')
    p.add_argument('--pid', type=int, required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--pg-datadir')
    p.add_argument('--interval', type=float, default=0.2)
    for name in ('report', 'report-files', 'report-slices', 'report-scale-out'):
        r = sub.add_parser(name)
        r.add_argument('--workdir', required=True)
        r.add_argument('--cached-before-highdim', default='')
        r.add_argument('--cached-before-numpy', default='')
        if name == 'report-files':
            r.add_argument('--dir', required=True)
            r.add_argument('--check-ids', nargs='+', required=True)
        else:
            r.add_argument('--file', required=True)
            r.add_argument('--generated', action='store_true')
        if name == 'report':
            r.add_argument('--java-opts', default='')
            r.add_argument('--components', default='2')
        if name == 'report-slices':
            r.add_argument('--planes', type=int, required=True)
            r.add_argument('--raw16', action='store_true')
    m = sub.add_parser('make-files')
    m.add_argument('--dir', required=True)
    m.add_argument('--count', type=int, required=True)
    m.add_argument('--shape', required=True)
    m.add_argument('--prefix', default='img_')
    m.add_argument('--first-seed', type=int, default=0)
    a = ap.parse_args()
    if a.cmd == 'poll':
        poll(a)
        return 0
    return {'report': report, 'report-files': report_files, 'report-slices': report_slices,
            'report-scale-out': report_scale_out, 'make-files': make_files}[a.cmd](a)


if __name__ == '__main__':
    sys.exit(main())
