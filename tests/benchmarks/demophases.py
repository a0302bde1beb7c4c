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


KINDS = ('checkpointer', 'background writer', 'walwriter', 'autovacuum', 'archiver', 'walsender')


def process_kind(pid):
    """The server process's kind from its title ("postgres: checkpointer"); client sessions are 'sessions'."""
    try:
        with open(f'/proc/{pid}/cmdline') as f:
            title = f.read().replace('\0', ' ')
    except OSError:
        return 'sessions'
    return next((kind for kind in KINDS if kind in title), 'sessions')


def cluster_cpu(postmaster, per_process):
    """utime + stime of the postmaster, of its reaped children, and of its live children; each live
    child's own last figures are kept in per_process (pid -> (kind, user seconds, system seconds))."""
    fields = stat_fields(postmaster)
    ticks = sum(int(x) for x in fields[11:15])
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                child = stat_fields(entry)
            except OSError:
                continue
            if int(child[1]) == postmaster:
                user, system = int(child[11]), int(child[12])
                ticks += user + system
                kind = per_process[entry][0] if entry in per_process else process_kind(entry)
                per_process[entry] = (kind, user / TICKS, system / TICKS)
    return ticks / TICKS


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[4:] not in ([], ['--no-pitr']):
        sys.exit(__doc__)
    cli, directory, scale = sys.argv[1:4]
    extra = sys.argv[4:]  # --no-pitr: no WAL archive, base backup or recovered cluster (disk space)
    if os.path.exists(directory):
        sys.exit(f'{directory} exists: a reused demo is not a measurement')
    samples = []
    per_process = {}  # pid -> (kind, user and system CPU seconds when last seen)
    finished = threading.Event()

    def monitor():
        postmaster = None
        earlier = 0.0  # CPU of the postmasters before a restart (the demo may restart its cluster)
        last = 0.0
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
                    last = cluster_cpu(postmaster, per_process)
                    samples.append((time.time(), earlier + last))
                else:
                    postmaster = None
            except OSError:
                postmaster = None
                earlier += last
                last = 0.0
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
    # Where the CPU outside the sessions' statements goes (short-lived processes seen by no sample
    # are in no kind).
    kinds = {}
    for kind, user, system in per_process.values():
        before = kinds.get(kind, (0.0, 0.0))
        kinds[kind] = (before[0] + user, before[1] + system)
    print('server processes, CPU s (user + system): ' + ', '.join(
        f'{kind} {user + system:.1f} ({user:.1f} + {system:.1f})'
        for kind, (user, system) in sorted(kinds.items(), key=lambda item: -sum(item[1]))))
    sys.exit(status)


if __name__ == '__main__':
    main()
