"""One fresh process: one contender, one (or more) workloads. Prints one result line.

    python -m bench.worker '<json spec>'

spec: {"contender": name, "workloads": [...], "url": ..., "tmp": dir, "params": {...}}
The last stdout line starting with ``BENCH_RESULT `` carries the JSON result.

Each workload returns its metrics plus ``correct`` (bool) and ``problems`` (list of
strings describing wrong results). Exceptions are caught and reported as
``status: "error"`` (which counts as wrong results), an unavailable library as
``status: "unavailable"``.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import resource
import statistics
import sys
import threading
import time
import traceback

import psutil

PROC = psutil.Process()


def rss() -> int:
    return PROC.memory_info().rss


def maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


class Sampler(threading.Thread):
    """Samples (time, rss, OS threads, Python threads) every ``interval`` seconds."""

    def __init__(self, interval: float = 0.02):
        super().__init__(daemon=True, name="bench-sampler")
        self.interval = interval
        self.samples: list[tuple[float, int, int, int, int]] = []
        self._stop_evt = threading.Event()

    def sample(self) -> tuple[float, int, int, int, int]:
        s = (time.perf_counter(), rss(), PROC.num_threads(), threading.active_count(),
             PROC.num_fds())
        self.samples.append(s)
        return s

    def run(self) -> None:
        while not self._stop_evt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_evt.set()

    def window(self, t0: float, t1: float) -> list[tuple[float, int, int, int, int]]:
        return [s for s in self.samples if t0 <= s[0] <= t1]


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def as_path(value) -> str:
    """gradio_client returns a str path; accept Path / FileData-like objects too."""
    if isinstance(value, dict):
        return value.get("path")
    return str(getattr(value, "path", value))


# ---------------------------------------------------------------------------------
# workloads: (contender, params, ctx) -> dict


def w_seq(c, p, ctx):
    c.connect(ctx["url"], ctx["dl"])
    lat, problems = [], []
    cpu0 = None
    for i in range(p["calls"]):
        if i == p["discard"]:
            cpu0 = time.process_time()
        text = f"seq-{i}"
        t0 = time.perf_counter()
        r = c.predict_echo(text)
        dt = time.perf_counter() - t0
        if r != text:
            problems.append(f"call {i}: {r!r} != {text!r}")
        if i >= p["discard"]:
            lat.append(dt * 1e3)
    cpu = time.process_time() - cpu0 if cpu0 is not None else None
    c.close()
    return {
        # CPU time of the whole client process per call (all threads): robust to machine load
        "cpu_ms_per_call": cpu / len(lat) * 1e3 if cpu is not None and lat else None,
        "p50_ms": pct(lat, 0.5),
        "p90_ms": pct(lat, 0.9),
        "min_ms": min(lat),
        "mean_ms": statistics.fmean(lat),
        "n": len(lat),
        "correct": not problems,
        "problems": problems[:5],
    }


def w_concurrent(c, p, ctx):
    n = p["jobs"]
    c.connect(ctx["url"], ctx["dl"], max_workers=n)
    c.predict_echo("warm-up")
    texts = [f"conc-{i:04d}-{'x' * (i % 7)}" for i in range(n)]
    marks = {}
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    results = c.concurrent_echo(texts, lambda: marks.setdefault("submitted", time.perf_counter()))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    c.close()
    problems = []
    if len(results) != n:
        problems.append(f"{len(results)} results for {n} jobs")
    problems += [f"job {i}: {r!r} != {t!r}" for i, (r, t) in enumerate(zip(results, texts)) if r != t]
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "submit_s": marks.get("submitted", t0) - t0,
        "jobs": n,
        "correct": not problems,
        "problems": problems[:5],
    }


def w_stream(c, p, ctx):
    c.connect(ctx["url"], ctx["dl"])
    c.predict_echo("warm-up")
    c.stream(2, 0.01)  # warm the generator path
    n, interval = p["items"], p["interval"]
    got = c.stream(n, interval)
    c.close()
    problems = []
    first: dict[int, float] = {}
    order = []
    for value, t_recv in got:
        try:
            i_s, stamp_s = str(value).split("|")
            i, stamp = int(i_s), float(stamp_s)
        except ValueError:
            problems.append(f"unparseable item {value!r}")
            continue
        if i not in first:
            first[i] = (t_recv - stamp) * 1e3
            order.append(i)
    if order != list(range(n)):
        problems.append(f"items received {order} != 0..{n - 1}")
    delays = list(first.values())
    return {
        "p50_ms": pct(delays, 0.5) if delays else None,
        "max_ms": max(delays) if delays else None,
        "mean_ms": statistics.fmean(delays) if delays else None,
        "delays_ms": [round(d, 3) for d in delays],
        "items": len(delays),
        "correct": not problems,
        "problems": problems[:5],
    }


def w_connect(c, p, ctx):
    times = []
    problems = []
    for k in range(p["connects"]):
        t0 = time.perf_counter()
        c.connect(ctx["url"], ctx["dl"])
        times.append((time.perf_counter() - t0) * 1e3)
        r = c.predict_echo(f"connect-{k}")
        if r != f"connect-{k}":
            problems.append(f"after connect {k}: {r!r}")
        c.close()
    return {
        "cold_ms": times[0],
        # what a script pays to its first connected client: the import (load) plus that connect
        "load_plus_cold_ms": ctx["load_ms"] + times[0],
        "warm_ms": statistics.median(times[1:]) if len(times) > 1 else None,
        "all_ms": times,
        "correct": not problems,
        "problems": problems,
    }


def w_files(c, p, ctx):
    path = p["path"]
    size = os.path.getsize(path)
    c.connect(ctx["url"], ctx["dl"])
    c.predict_echo("warm-up")
    gc.collect()
    sampler: Sampler = ctx["sampler"]
    base = sampler.sample()[1]
    maxrss_before = maxrss_bytes()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    out = c.echo_file(path)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    t1 = time.perf_counter()
    time.sleep(sampler.interval * 2)
    window = sampler.window(t0, t1 + sampler.interval * 2)
    peak_sampled = max([s[1] for s in window] + [base])
    # ru_maxrss is the process's lifetime peak: only meaningful if it moved during the call
    peak_ru = maxrss_bytes() if maxrss_bytes() > maxrss_before else 0
    peak = max(peak_sampled, peak_ru)
    phases = dict(getattr(c, "phases", {}) or {})
    c.close()
    problems = []
    local = as_path(out)
    if not local or not os.path.isfile(local):
        problems.append(f"output is not a local file: {out!r}")
    else:
        if os.path.getsize(local) != size:
            problems.append(f"size {os.path.getsize(local)} != {size}")
        elif sha256_file(local) != p["sha256"]:
            problems.append("content differs")
        if os.path.realpath(local).startswith(os.path.realpath(os.path.dirname(path)) + os.sep) and \
                os.path.realpath(local) == os.path.realpath(path):
            problems.append("returned the input path, not a download")
    return {
        "elapsed_s": elapsed,
        "cpu_s": cpu,
        "mb_per_s": 2 * size / elapsed / 1e6,  # up + down
        "rss_growth_mb": (peak - base) / 1e6,
        "rss_base_mb": base / 1e6,
        "size_mb": size / 1e6,
        "phases": phases,
        "correct": not problems,
        "problems": problems,
    }


def w_scale(c, p, ctx):
    n, seconds = p["jobs"], p["seconds"]
    sampler: Sampler = ctx["sampler"]
    start = ctx["start_sample"]  # before the contender's library was imported
    c.connect(ctx["url"], ctx["dl"], max_workers=n)
    c.predict_echo("warm-up")
    gc.collect()
    connected = sampler.sample()
    marks = {}
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    results = c.sleep_many(n, seconds, lambda: marks.setdefault("submitted", time.perf_counter()))
    t1 = time.perf_counter()
    cpu = time.process_time() - cpu0
    window = sampler.window(t0, t1)
    c.close()
    problems = [f"job {i}: {r!r}" for i, r in enumerate(results) if r != f"job-{i}"]
    if len(results) != n:
        problems.append(f"{len(results)} results for {n} jobs")
    wall = t1 - t0
    peak_rss = max([s[1] for s in window] + [connected[1]])
    return {
        "jobs": n,
        "seconds": seconds,
        "wall_s": wall,
        "cpu_s": cpu,
        "submit_s": marks.get("submitted", t0) - t0,
        # all jobs in flight together <=> wall close to one sleep, not n/k sleeps
        "all_in_flight": wall < 2 * seconds + (marks.get("submitted", t0) - t0),
        "threads_start": start[2],
        "threads_connected": connected[2],
        "threads_during": max(s[2] for s in window) if window else None,
        "py_threads_start": start[3],
        "py_threads_connected": connected[3],
        "py_threads_during": max(s[3] for s in window) if window else None,
        "threads_added": (max(s[2] for s in window) - start[2]) if window else None,
        "threads_added_by_jobs": (max(s[2] for s in window) - connected[2]) if window else None,
        # open file descriptors (sockets): each connection the client holds is one
        "fds_connected": connected[4],
        "fds_during": max(s[4] for s in window) if window else None,
        "rss_connected_mb": connected[1] / 1e6,
        "rss_peak_mb": peak_rss / 1e6,
        "kb_per_job": (peak_rss - connected[1]) / n / 1e3,
        "correct": not problems,
        "problems": problems[:5],
    }


def w_soak(c, p, ctx):
    """Predicts, generators and small concurrent batches in a loop; RSS every few s."""
    c.connect(ctx["url"], ctx["dl"])
    duration = p["minutes"] * 60
    every = p.get("sample_every", 5.0)
    t_start = time.perf_counter()
    samples = []
    counts = {"predict": 0, "stream": 0, "batch": 0}
    problems = []
    next_sample = t_start
    i = 0
    while True:
        now = time.perf_counter()
        if now >= next_sample:
            gc.collect()
            samples.append({"t_s": round(now - t_start, 1), "rss_mb": rss() / 1e6,
                            "threads": PROC.num_threads(), "fds": PROC.num_fds()})
            next_sample = now + every
        if now - t_start >= duration:
            break
        try:
            r = c.predict_echo(f"soak-{i}")
            if r != f"soak-{i}":
                problems.append(f"predict {i}: {r!r}")
            counts["predict"] += 1
            if i % 5 == 0:
                vals = c.stream_values(5, 0.005)
                if [str(v).split("|")[0] for v in vals][:5] != ["0", "1", "2", "3", "4"]:
                    problems.append(f"stream {i}: {vals!r}")
                counts["stream"] += 1
            if i % 25 == 0:
                texts = [f"b{i}-{k}" for k in range(20)]
                if c.concurrent_echo(texts, lambda: None) != texts:
                    problems.append(f"batch {i} wrong")
                counts["batch"] += 1
        except Exception as exc:  # noqa: BLE001
            problems.append(f"iteration {i}: {type(exc).__name__}: {exc}")
        i += 1
    c.close()
    rs = [s["rss_mb"] for s in samples]
    # The first minute warms up (allocator arenas, caches); "flat" is judged after it.
    settled = [s for s in samples if s["t_s"] >= min(60.0, duration / 2)] or samples
    if len(settled) > 1:
        slope = statistics.linear_regression([s["t_s"] / 60 for s in settled],
                                             [s["rss_mb"] for s in settled]).slope
    else:
        slope = 0.0
    return {
        "minutes": p["minutes"],
        "rss_start_mb": rs[0],
        "rss_settled_mb": settled[0]["rss_mb"],
        "rss_end_mb": rs[-1],
        "rss_max_mb": max(rs),
        "rss_slope_mb_per_min_after_warmup": slope,
        "threads_start": samples[0]["threads"],
        "threads_end": samples[-1]["threads"],
        "fds_start": samples[0]["fds"],
        "fds_end": samples[-1]["fds"],
        "counts": counts,
        "samples": samples,
        "correct": not problems,
        "problems": problems[:20],
        "problem_count": len(problems),
    }


WORKLOADS = {
    "seq": w_seq,
    "concurrent": w_concurrent,
    "stream": w_stream,
    "connect": w_connect,
    "files": w_files,
    "scale": w_scale,
    "soak": w_soak,
}


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    sampler = Sampler(interval=spec.get("sample_interval", 0.01))
    sampler.start()
    start_sample = sampler.sample()

    from bench.contenders import CONTENDERS, Unavailable

    contender = CONTENDERS[spec["contender"]]()
    out: dict = {"contender": contender.name, "pid": os.getpid(), "workloads": {}}
    try:
        t0 = time.perf_counter()
        contender.load()
        out["load_ms"] = (time.perf_counter() - t0) * 1e3
    except Unavailable as exc:
        for w in spec["workloads"]:
            out["workloads"][w] = {"status": "unavailable", "reason": str(exc)}
        print("BENCH_RESULT " + json.dumps(out), flush=True)
        return 0
    ctx = {
        "url": spec["url"],
        "dl": spec["download_dir"],
        "sampler": sampler,
        "start_sample": start_sample,
        "load_ms": out["load_ms"],
    }
    for w in spec["workloads"]:
        try:
            res = WORKLOADS[w](contender, spec["params"][w], ctx)
            res["status"] = "ok"
        except Unavailable as exc:
            res = {"status": "unavailable", "reason": str(exc)}
        except Exception as exc:  # noqa: BLE001
            res = {
                "status": "error",
                "correct": False,
                "reason": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(),
            }
            try:
                contender.close()
            except Exception:  # noqa: BLE001
                pass
        out["workloads"][w] = res
    sampler.stop()
    print("BENCH_RESULT " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
