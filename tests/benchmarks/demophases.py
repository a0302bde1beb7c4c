#!/usr/bin/env python3
"""Demo generation, per phase: wall seconds and the CPU seconds of the demo's PostgreSQL cluster.

    tests/benchmarks/demophases.py build-release/app/salvage-cli DIR SCALE [--no-pitr]

Runs `salvage-cli demo --dir DIR --scale SCALE` on a DIR that does not exist yet (initdb included)
and prints, for each phase the CLI announces on stderr, its wall time and the CPU time the
cluster spent in it: the postmaster and every backend, those that have exited included (Linux
/proc). On a shared machine the wall time depends on the load; the CPU time much less so. Half
of it is a lower bound for the phase on an idle 2-core machine (reached when both cores are
kept busy; a phase of one session, or one waiting on round trips or the disk, takes longer).
Baseline: the two minutes a demo at scale 300 should take (issue 14). Leaves the cluster running;
`salvage-cli demo --dir DIR --stop` stops it.
"""
import os
import re
import subprocess
import sys
import threading
import time

TICKS = os.sysconf('SC_CLK_TCK')


def stat_fields(pid):
    with open(f'/proc/{pid}/stat') as f:
        text = f.read()
    return text[text.rindex(')') + 2:].split()  # from field 3 (state) on


def cluster_cpu(postmaster):
    """utime + stime of the postmaster, of its reaped children, and of its live children."""
    fields = stat_fields(postmaster)
    ticks = sum(int(x) for x in fields[11:15])
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                child = stat_fields(entry)
            except OSError:
                continue
            if int(child[1]) == postmaster:
                ticks += int(child[11]) + int(child[12])
    return ticks / TICKS


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[4:] not in ([], ['--no-pitr']):
        sys.exit(__doc__)
    cli, directory, scale = sys.argv[1:4]
    extra = sys.argv[4:]  # --no-pitr: no WAL archive, base backup or recovered cluster (disk space)
    if os.path.exists(directory):
        sys.exit(f'{directory} exists: a reused demo is not a measurement')
    samples = []
    finished = threading.Event()

    def monitor():
        postmaster = None
        while not finished.is_set():
            if postmaster is None:
                try:
                    with open(os.path.join(directory, 'pgdata', 'postmaster.pid')) as f:
                        postmaster = int(f.readline())
                except (OSError, ValueError):
                    pass
            try:
                # initdb's standalone backend writes a negative pid; a restart, a new one.
                if postmaster is not None and postmaster > 0:
                    samples.append((time.time(), cluster_cpu(postmaster)))
                else:
                    postmaster = None
            except OSError:
                postmaster = None
            finished.wait(0.25)

    watcher = threading.Thread(target=monitor)
    watcher.start()
    load_before = os.getloadavg()
    start = time.time()
    marks = [('cluster start (initdb included)', start)]
    process = subprocess.Popen([cli, 'demo', '--dir', directory, '--scale', scale] + extra, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        line = line.rstrip('\n')
        print(f'{time.time() - start:7.1f}  {line}  (load {os.getloadavg()[0]:.1f})', flush=True)
        match = re.match(r'demo: (.*) \([0-9.]+ s\)$', line)
        if match:
            marks.append((match.group(1), time.time()))
    status = process.wait()
    end = time.time()
    time.sleep(0.5)
    finished.set()
    watcher.join()
    load_after = os.getloadavg()
    marks.append(('end', end))

    def cpu_at(moment):
        before = [cpu for at, cpu in samples if at <= moment]
        return before[-1] if before else 0.0

    total_cpu = cpu_at(end + 1)
    print(f'\nscale {scale}: {end - start:.1f} s wall, cluster CPU {total_cpu:.1f} s '
          f'(an idle 2-core machine needs at least {total_cpu / 2:.0f} s of it); load average (1 min) {load_before[0]:.1f} -> '
          f'{load_after[0]:.1f}, (5 min) {load_before[1]:.1f} -> {load_after[1]:.1f}; exit status {status}')
    print(f'| phase | wall s | CPU s |\n|---|---|---|')
    for (name, begin), (_, until) in zip(marks, marks[1:]):
        print(f'| {name} | {until - begin:.1f} | {cpu_at(until) - cpu_at(begin):.1f} |')
    sys.exit(status)


if __name__ == '__main__':
    main()
