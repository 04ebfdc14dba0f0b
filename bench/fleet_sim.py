#!/usr/bin/env python3
"""Fleet simulation: what Archiver costs the Kubernetes API server across a fleet (issue 16).

Simulates every sweep of every node, second by second, for today's design and the new one, and
prints a markdown table (docs/benchmarks.md) plus how the schedule's jitter spreads the sweeps.
Deterministic (fixed seed), standard library only, runs in seconds.

usage: fleet_sim.py [--nodes 5000] [--pods 30] [--churn 0.10] [--hours 2] [--seed 16]
                    [--archive-s 30] [--concurrency 2] [--nodes-per-volume 50] [--lease-s 60]
                    [--page-size 500] [--period-s 900] [--jitter-s 60] [--nas-jitter-s 300]

Model (each line is an assumption; change it with the flags):
- nodes x pods per node; pods end at --churn per hour and are replaced, so each node sees
  churn x pods dead pod directories per hour become eligible (idleFor only delays them).
- every node sweeps on the */15 schedule (--period-s) at the quarter hour plus a uniform jitter
  drawn afresh each run: [0, 1m) for policies/default.yaml, [0, 5m) for nas-subpath.yaml (which
  ships */30; the issue asks for */15).
- a directory takes --archive-s to archive, verify and delete; --concurrency at a time.
- hostPath layout (default.yaml, scope: node). Today: the plan lists pods with
  fieldSelector=spec.nodeName and no resourceVersion: a quorum read that, before Kubernetes 1.31,
  reads every pod of the cluster from etcd and filters in the API server; then, right before each
  delete, the layout has no namespace, so the recheck is a cluster-wide list with
  fieldSelector=metadata.name, again a read of every pod from etcd. New: the plan lists with
  resourceVersion=0 from the watch cache (the pods cache is indexed by spec.nodeName: it reads
  about this node's pods); one consistent recheck per sweep that deletes anything: before 1.31 one
  etcd read of every pod, from 1.31 (consistent reads from cache) the node's pods from the cache.
- NAS layout (nas-subpath.yaml, scope: cluster, a Lease per directory): nodes share volumes,
  --nodes-per-volume each, and every pod of those nodes writes to its node's volume. Every node
  sees every directory on its volume. Each sweep lists all pods (today: paginated by --page-size,
  from etcd; new: one list from the watch cache). A node works through its plan (the directories
  that existed when its sweep began, in name order): per directory a Lease get; a lease held by
  another node means skip (a read only); a free one is taken (create), renewed every lease/3 while
  the directory is archived, then released (today: an update, the Lease stays forever; new:
  deleted, plus one lease list per node per day to collect leftovers of crashed nodes). Reaching a
  directory that another node already finished (plans are made at sweep start) costs a get, a take
  and a release, in both designs. The per-directory pod recheck is a namespaced get today; new: one
  consistent list per sweep that deletes anything (before 1.31 from etcd, paginated).
- Kubernetes Events (one create per archived directory in both designs) are not counted.
"""
import argparse, heapq, math, random


class Bins:
    """Per-second counters over the measured window."""

    def __init__(self, seconds):
        self.n = seconds
        self.data = {}

    def add(self, metric, t, count=1):
        if 0 <= t < self.n:
            if metric not in self.data:
                self.data[metric] = [0] * self.n
            self.data[metric][int(t)] += count

    def series(self, *metrics):
        return [sum(v) for v in zip(*(self.data.get(m, [0] * self.n) for m in metrics))]

    def mean(self, *metrics):
        return sum(self.series(*metrics)) / self.n

    def peak_minute(self, *metrics):
        a = self.series(*metrics)
        window = best = sum(a[:60])
        for i in range(60, self.n):
            window += a[i] - a[i - 60]
            best = max(best, window)
        return best / 60


def poisson(r, lam):
    # Knuth; lam is small (< 10) here
    l, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= r.random()
        if p <= l:
            return k
        k += 1


def sweep_starts(r, a, jitter):
    """Start times of one node's sweeps: every period from before the window to its end."""
    return [q * a.period_s + r.random() * jitter for q in range(-2, a.hours * 3600 // a.period_s + 1)]


def host_path(a, design):
    r = random.Random(a.seed)
    b = Bins(a.hours * 3600)
    cluster = a.nodes * a.pods
    rate = a.churn * a.pods / 3600  # eligible directories per second per node
    for _ in range(a.nodes):
        starts = sweep_starts(r, a, a.jitter_s)
        for prev, t0 in zip(starts, starts[1:]):
            d = poisson(r, rate * (t0 - prev))
            b.add("sweeps", t0)
            b.add("req", t0)
            b.add("etcd" if design == "today" else "cache", t0, cluster if design == "today" else a.pods)
            done = [t0 + 1 + (j // a.concurrency + 1) * a.archive_s for j in range(d)]
            if design == "today":
                for t in done:  # list metadata.name=X in all namespaces: every pod from etcd
                    b.add("req", t)
                    b.add("etcd", t, cluster)
            elif d:
                t = done[0]  # the one recheck before the first delete, for all of the sweep's directories
                b.add("rc_req", t); b.add("rc_etcd", t, cluster)
                b.add("rc131_req", t); b.add("rc131_cache", t, a.pods)
    return b


def nas(a, design):
    r = random.Random(a.seed + 1)
    b = Bins(a.hours * 3600)
    cluster = a.nodes * a.pods
    pages = math.ceil(cluster / a.page_size)
    volumes = a.nodes // a.nodes_per_volume
    rate = a.churn * a.pods * a.nodes_per_volume / 3600  # eligible directories per second per volume
    hold_renewals = int(a.archive_s // (a.lease_s / 3))
    kept_leases = 0
    for _ in range(volumes):
        horizon = a.hours * 3600 + a.period_s
        eligible, t = [], -2 * a.period_s
        while t < horizon:
            t += r.expovariate(rate)
            eligible.append(t)
        order = list(range(len(eligible)))
        r.shuffle(order)  # name order is unrelated to age
        rank = {d: i for i, d in enumerate(order)}
        taken, released = {}, {}
        alive, nxt = set(), 0  # directories on the volume now, and the next to become eligible
        events = []  # (time, seq, node, plan, position)
        seq = 0
        for node in range(a.nodes_per_volume):
            for t0 in sweep_starts(r, a, a.nas_jitter_s):
                heapq.heappush(events, (t0, seq, "start", node, None)); seq += 1
            if design == "new":  # the daily leftover collection: one lease list per node per day
                for day_t in range(0, a.hours * 3600, 86400):
                    b.add("req", day_t + r.random() * 86400)
        while events:
            t, _, kind, node, plan = heapq.heappop(events)
            if kind == "start":
                b.add("sweeps", t)
                b.add("req", t, pages if design == "today" else 1)
                b.add("etcd" if design == "today" else "cache", t, cluster)
                while nxt < len(eligible) and eligible[nxt] <= t:
                    alive.add(nxt); nxt += 1
                plan = sorted(alive, key=rank.get)
                plan = {"todo": plan, "deleted": 0, "workers": a.concurrency}
                for _ in range(a.concurrency):
                    heapq.heappush(events, (t + 1, seq, "next", node, plan)); seq += 1
                continue
            if kind == "gone":
                alive.discard(plan)
                continue
            if kind == "recheck":  # before 1.31 a consistent list is read from etcd, page by page
                b.add("rc_req", t, pages); b.add("rc_etcd", t, cluster)
                b.add("rc131_req", t, 1); b.add("rc131_cache", t, cluster)
                continue
            if not plan["todo"]:  # this worker is done; the last one ends the sweep
                plan["workers"] -= 1
                continue
            d = plan["todo"].pop(0)
            b.add("req", t); b.add("lease_r", t)  # get the Lease
            while d in taken and t < released[d]:  # held by another node: skip (a get takes no time here)
                if not plan["todo"]:
                    d = None
                    break
                d = plan["todo"].pop(0)
                b.add("req", t); b.add("lease_r", t)
            if d is None:
                plan["workers"] -= 1
                continue
            stale = d in taken
            writes = 2 if stale else 2 + hold_renewals  # take (+ renewals) + release/delete
            end = t + (0.1 if stale else a.archive_s)
            if not stale:
                taken[d], released[d] = t, end
                heapq.heappush(events, (end, seq, "gone", node, d)); seq += 1
                if design == "today" and 0 <= t < a.hours * 3600:
                    kept_leases += 1
                    b.add("req", end - 1); b.add("etcd", end - 1)  # get pod NS/NAME before the delete
                elif plan["deleted"] == 0:  # the sweep's one consistent recheck, before its first delete
                    heapq.heappush(events, (end - 1, seq, "recheck", node, plan)); seq += 1
                plan["deleted"] += 1
            for i in range(writes):
                at = t + (end - t) * i / max(1, writes - 1)
                b.add("req", at); b.add("lease_w", at)
            heapq.heappush(events, (end, seq, "next", node, plan)); seq += 1
    b.kept_leases_per_day = kept_leases * 24 / a.hours
    return b


def jitter_spread(a):
    r = random.Random(a.seed + 2)
    lines = []
    for jitter in (0, a.jitter_s, a.nas_jitter_s):
        per_second = [0] * a.period_s
        for _ in range(a.nodes):
            per_second[int(r.random() * jitter) if jitter else 0] += 1
        busy = [c for c in per_second if c]
        lines.append(f"| {'none' if not jitter else f'{jitter // 60}m'} | {len(busy)} | {max(busy)} | {a.nodes / len(busy):.1f} | {min(busy)} |")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name, default in [("nodes", 5000), ("pods", 30), ("churn", 0.10), ("hours", 2), ("seed", 16), ("archive-s", 30.0),
                          ("concurrency", 2), ("nodes-per-volume", 50), ("lease-s", 60.0), ("page-size", 500),
                          ("period-s", 900), ("jitter-s", 60), ("nas-jitter-s", 300)]:
        ap.add_argument("--" + name, type=type(default), default=default)
    a = ap.parse_args()
    print(f"Fleet: {a.nodes} nodes x {a.pods} pods ({a.nodes * a.pods} pods), {a.churn:.0%} of pods end per hour, "
          f"sweeps every {a.period_s // 60} min, {a.hours} h simulated (seed {a.seed}); a directory takes {a.archive_s:.0f} s, "
          f"{a.concurrency} at a time; NAS: {a.nodes_per_volume} nodes per volume, leaseDuration {a.lease_s:.0f} s.\n")
    print("| layout (jitter) | design | API req/s mean | API req/s peak minute | pod objects from etcd/s mean | peak minute "
          "| pod objects from watch cache/s mean | Lease writes/s mean | peak minute | Leases left per day |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = [("hostPath (1m)", host_path), ("NAS (5m)", nas)]
    for label, fn in rows:
        for design in ("today", "new"):
            b = fn(a, design)
            lease = f"{b.mean('lease_w'):.1f} | {b.peak_minute('lease_w'):.1f} | {b.kept_leases_per_day:,.0f}" if fn is nas else "– | – | –"
            # the new design's recheck: read from etcd before Kubernetes 1.31, from the watch cache after
            for name, req, etcd, cache in ([("today", ["req"], ["etcd"], ["cache"])] if design == "today" else
                                           [("new, Kubernetes < 1.31", ["req", "rc_req"], ["etcd", "rc_etcd"], ["cache"]),
                                            ("new, Kubernetes ≥ 1.31", ["req", "rc131_req"], ["etcd"], ["cache", "rc131_cache"])]):
                print(f"| {label} | {name} | {b.mean(*req):,.1f} | {b.peak_minute(*req):,.1f} | {b.mean(*etcd):,.0f} | "
                      f"{b.peak_minute(*etcd):,.0f} | {b.mean(*cache):,.0f} | {lease} |")
    print(f"\nSweep starts within one {a.period_s // 60}-minute period ({a.nodes} nodes), by jitter:\n")
    print("| jitter | seconds with a sweep start | most starts in one second | mean per busy second | fewest |")
    print("|---|---|---|---|---|")
    print("\n".join(jitter_spread(a)))


if __name__ == "__main__":
    main()
