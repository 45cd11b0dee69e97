#!/usr/bin/python3
"""The Markdown table of docs/benchmarks.md from scripts/bench's JSON lines (the last line of each workload).

usage: scripts/bench_report.py table FILE.jsonl...
"""
import json
import sys


def tool(r):
    """A tool's figures: throughput for slices, else wall and pass time (and how long the commits went on after the
    pass); peak RSS (the JVM's, then PostgreSQL's); or why a peer has none (the segmentation peer is not run on a
    volume the machine's memory cannot hold)."""
    if 'not_run' in r:
        return f'not run: {r["not_run"]}'
    if 'planes_per_s' in r and 'pass_s' in r:
        cell = f'{r["planes_per_s"]:.1f} planes/s (pass), {r["planes_per_s_wall"]:.1f} (wall)'
    elif 'planes_per_s' in r:
        cell = f'{r["planes_per_s"]:.1f} planes/s'
    else:
        cell = f'{r["wall_s"]:.2f} s' + (f', pass {r["pass_s"]:.2f} s' if 'pass_s' in r else '') \
            + (f', commits {r["commit_tail_s"]:.2f} s after it' if r.get('commit_transactions') else '')
    cell += f', {r["rss_mb"]} MB'
    if r.get('server_rss_mb'):
        cell += f' (client; server {r["server_rss_mb"]} MB)'
    if r.get('pg_rss_mb'):
        cell += f' + PostgreSQL {r["pg_pss_mb"]} MB PSS'
    return cell


def other_cpus(r):
    return f'{r["other_cpus"]:.2f}' if 'other_cpus' in r else '-'


def table(paths):
    rows = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    rows.pop(rec['workload'], None)
                    rows[rec['workload']] = rec   # the last run of a workload, in the order last run
    if not rows:
        sys.exit('bench_report: no JSON lines')
    recs = list(rows.values())
    fact = lambda f: ', '.join(sorted({f(r) for r in recs}))
    m = recs[0]['machine']
    print(f'Measured {fact(lambda r: r["date"][:10])} at commit {fact(lambda r: r["commit"])} on '
          + fact(lambda r: f'{r["machine"]["cores"]} cores, {r["machine"]["ram_gb"]} GB RAM, Linux '
                           f'{r["machine"]["kernel"]}')
          + f'; 1-minute load average when each run started: {min(r["machine"]["loadavg_1m"] for r in recs):.2f} to '
            f'{max(r["machine"]["loadavg_1m"] for r in recs):.2f}. HIGHDIM_JAVA_OPTS: '
          + (fact(lambda r: r['java_opts'] or 'unset (the launcher\'s -Xmx4g)')) + '.')
    print()
    print('| workload | highdim | peer | ratio | target | check | other CPUs (highdim / peer) | command |')
    print('|---|---|---|---|---|---|---|---|')
    for r in recs:
        h, p = r['highdim'], r['peer']
        ratio = 'n/a' if r['ratio'] is None else f'**{r["ratio"]:.2f}** ({r["ratio_of"]})'
        check = 'ok' if r['check'] == 'ok' else f'**{r["check"]}**'
        print(f'| {r["workload"]} | {tool(h)} | {p["name"]}: {tool(p)} | {ratio} | {r["target"] or "-"} | {check} | '
              f'{h["other_cpus"]:.2f} / {other_cpus(p)} | `{r["command"]}` |')
    return 0


if __name__ == '__main__':
    if len(sys.argv) < 3 or sys.argv[1] != 'table':
        sys.exit(__doc__)
    sys.exit(table(sys.argv[2:]))
