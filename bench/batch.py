"""Batch workloads: client.map against the raw floor and gradio_client with a thread pool.

    .venv/bin/python -m bench.batch                  # 1,000-item map x 3 rounds, 100k lazy, cached re-run
    .venv/bin/python -m bench.batch --quick          # 200 items, 5k lazy, 1 round (smoke run)
    .venv/bin/python -m bench.batch --lazy 20000     # a smaller lazy workload on a loaded machine

Workloads (each measurement is a fresh process, on the bench app's ``/echo``):

* ``map``: N items, the same concurrency C for everyone. ``floor``: one session, one stream,
  C joins in flight (bench/floor.py); ``gradio_nb``: ``client.map(..., concurrency=C)``;
  ``gradio_client``: ``ThreadPoolExecutor(C).map(client.predict, ...)``, the way users do it
  today. Wall time of the work only (connect excluded); target gradio_nb <= 1.1 x floor.
* ``lazy``: a generator of M items through ``client.map``: RSS growth (peak, sampled) beyond
  the results themselves (the Items, measured with tracemalloc in the same process) <= 50 MB;
  client CPU per item <= 1 ms.
* ``cached``: the 1,000-item map with ``cache=``, then the same map again in a fresh process:
  wall <= 0.5 s and zero calls reach the app (counted by the app's ``/calls``).

Prints a table and writes ``bench/results/batch.json``. The machine's load average is
recorded: on a shared machine compare ratios, not absolute times.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench.run import PY, Server, loadavg  # noqa: E402

_PRELUDE = f"import sys, json, time, os\nsys.path.insert(0, {ROOT!r})\n"

MAP_CODE = {
    "floor": """
import asyncio
from bench.floor import FloorSession
async def main():
    # C events in flight, the next one started as one ends (what map does), not 1,000 tasks
    # parked on a semaphore
    s = await FloorSession.connect(URL)
    slots = asyncio.Semaphore(C)
    out = [None] * len(TEXTS)
    async def one(i, t):
        try:
            out[i] = (await s.call("/echo", [t]))[0]
        finally:
            slots.release()
    tasks = set()
    t0 = time.perf_counter()
    for i, t in enumerate(TEXTS):
        await slots.acquire()
        task = asyncio.ensure_future(one(i, t))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    await s.aclose()
    return out, wall
out, wall = asyncio.run(main())
""",
    "gradio_nb": """
from gradio_nb import Client
c = Client(URL, verbose=False)
t0 = time.perf_counter()
out = c.map(TEXTS, api_name="/echo", concurrency=C, progress=False).results()
wall = time.perf_counter() - t0
c.close()
""",
    "gradio_client": """
from concurrent.futures import ThreadPoolExecutor
from gradio_client import Client
c = Client(URL, verbose=False, analytics_enabled=False)
t0 = time.perf_counter()
with ThreadPoolExecutor(C) as pool:
    out = list(pool.map(lambda t: c.predict(t, api_name="/echo"), TEXTS))
wall = time.perf_counter() - t0
c.close()
""",
}

LAZY_CODE = """
import gc, threading, tracemalloc, psutil
from gradio_nb import Client
proc = psutil.Process()
c = Client(URL, verbose=False)
c.predict("warm", api_name="/echo")
gc.collect()
rss0 = proc.memory_info().rss
peak = {"rss": rss0}
stop = threading.Event()
def sample():
    while not stop.wait(0.05):
        peak["rss"] = max(peak["rss"], proc.memory_info().rss)
threading.Thread(target=sample, daemon=True).start()
def inputs():
    for i in range(M):
        yield f"item {i}"
cpu0, t0 = time.process_time(), time.perf_counter()
batch = c.map(inputs(), api_name="/echo", concurrency=C, progress=False)
out = batch.results()
wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
stop.set()
peak["rss"] = max(peak["rss"], proc.memory_info().rss)
ok = len(out) == M and out[0] == "item 0" and out[-1] == f"item {M - 1}"
# What the results themselves take: the same Items and values, rebuilt under tracemalloc.
items = batch.items
del batch
gc.collect()
tracemalloc.start()
import copy
kept = [copy.deepcopy(i) for i in items]
kept_values = [copy.copy(v) for v in out]
results_bytes = tracemalloc.get_traced_memory()[0]
tracemalloc.stop()
growth = peak["rss"] - rss0
print("BENCH_RESULT " + json.dumps({"wall": wall, "cpu_per_item_ms": cpu / M * 1000,
      "rss_growth_mb": growth / 2**20, "results_mb": results_bytes / 2**20,
      "beyond_results_mb": (growth - results_bytes) / 2**20, "correct": ok}))
c.close()
"""

# The floor's client CPU per item for the same lazy run: what the protocol itself costs here.
FLOOR_LAZY_CODE = """
import asyncio
from bench.floor import FloorSession
async def main():
    s = await FloorSession.connect(URL)
    await s.call("/echo", ["warm"])
    slots = asyncio.Semaphore(C)
    out = {}
    async def one(i):
        try:
            out[i] = (await s.call("/echo", [f"item {i}"]))[0]
        finally:
            slots.release()
    tasks = set()
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(M):
        await slots.acquire()
        task = asyncio.ensure_future(one(i))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await s.aclose()
    return wall, cpu, len(out) == M and out[M - 1] == f"item {M - 1}"
wall, cpu, ok = asyncio.run(main())
print("BENCH_RESULT " + json.dumps({"wall": wall, "cpu_per_item_ms": cpu / M * 1000, "correct": ok}))
"""

CACHED_CODE = """
import httpx
from gradio_nb import Client
c = Client(URL, verbose=False)
before = c.predict(api_name="/calls")["echo"]
t0 = time.perf_counter()
batch = c.map(TEXTS, api_name="/echo", concurrency=C, cache=CACHE, progress=False)
out = batch.results()
wall = time.perf_counter() - t0
after = c.predict(api_name="/calls")["echo"]
print("BENCH_RESULT " + json.dumps({"wall": wall, "app_calls": after - before,
      "cached": batch.snapshot().cached, "correct": out == TEXTS}))
c.close()
"""


def _run(code: str, timeout: float = 1800) -> dict:
    """Runs `code` in a fresh process and returns its BENCH_RESULT. A process still alive 10 s
    after printing it is killed: gradio_client 2.7.2 can keep a stream thread open after
    close(), so its interpreter never exits (seen on the 1,000-item thread-pool map)."""
    proc = subprocess.Popen([PY, "-c", _PRELUDE + textwrap.dedent(code)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, NO_PROXY="127.0.0.1,localhost"))
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True)
    reader.start()
    result: dict | None = None
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line[len("BENCH_RESULT "):])
            break
        if time.monotonic() > deadline:
            break
    try:
        proc.wait(timeout=10 if result is not None else max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        if result is not None:
            result["killed_after_result"] = True
    reader.join(timeout=5)
    if result is not None:
        return result
    return {"error": ("".join(stderr) or "no BENCH_RESULT")[-2000:]}


def _params(url: str, **values: object) -> str:
    return "".join(f"{k} = {v!r}\n" for k, v in {"URL": url, **values}.items())


def bench_map(url: str, n: int, c: int, rounds: int) -> dict:
    texts = [f"text {i}" for i in range(n)]
    walls: dict[str, list[float]] = {name: [] for name in MAP_CODE}
    wrong: list[str] = []
    reference: list[str] = []
    for r in range(rounds):
        order = list(MAP_CODE)[r % 3:] + list(MAP_CODE)[:r % 3]  # rotate: load hits all alike
        for name in order:
            code = _params(url, TEXTS=texts, C=c) + MAP_CODE[name] + \
                'print("BENCH_RESULT " + json.dumps({"wall": wall, "correct": out == TEXTS}))\n'
            res = _run(code)
            if "error" in res or not res.get("correct"):
                # The reference client's own failures (PROTOCOL.md §17) are listed, not fatal.
                (reference if name == "gradio_client" else wrong).append(
                    f"{name}: {res.get('error', 'wrong results')[-300:]}")
                continue
            walls[name].append(res["wall"])
    med = {k: statistics.median(v) if v else None for k, v in walls.items()}
    ratio = (med["gradio_nb"] / med["floor"]) if med["gradio_nb"] and med["floor"] else None
    ref = (med["gradio_client"] / med["floor"]) if med["gradio_client"] and med["floor"] else None
    return {"items": n, "concurrency": c, "rounds": rounds, "walls": walls, "median": med,
            "nb_over_floor": ratio, "gradio_client_over_floor": ref, "problems": wrong,
            "reference_failures": reference}


def bench_lazy(url: str, m: int, c: int) -> dict:
    floor = _run(_params(url, M=m, C=c) + FLOOR_LAZY_CODE)
    return {"items": m, "concurrency": c, **_run(_params(url, M=m, C=c) + LAZY_CODE), "floor": floor}


def bench_cached(url: str, n: int, c: int, tmp: str) -> dict:
    texts = [f"cached {i}" for i in range(n)]
    cache = os.path.join(tmp, "cache")
    code = _params(url, TEXTS=texts, C=c, CACHE=cache) + CACHED_CODE
    first = _run(code)
    second = _run(code)
    return {"items": n, "first": first, "rerun": second}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--lazy", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workloads", nargs="*", default=["map", "lazy", "cached"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "batch.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.items, args.lazy, args.rounds = 200, 5000, 1
    result: dict = {"loadavg_before": loadavg()}
    with tempfile.TemporaryDirectory(prefix="gradio_nb-bench-batch-") as tmp:
        server = Server(tmp)
        try:
            if "map" in args.workloads:
                result["map"] = bench_map(server.url, args.items, args.concurrency, args.rounds)
            if "lazy" in args.workloads:
                result["lazy"] = bench_lazy(server.url, args.lazy, args.concurrency)
            if "cached" in args.workloads:
                result["cached"] = bench_cached(server.url, args.items, args.concurrency, tmp)
        finally:
            server.stop()
    result["loadavg_after"] = loadavg()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(render(result))
    bad = result.get("map", {}).get("problems") or any(
        "error" in result.get(k, {}) for k in ("lazy",)) or "error" in result.get("cached", {}).get("rerun", {})
    return 1 if bad else 0


def render(result: dict) -> str:
    lines = [f"load average before/after: {result['loadavg_before']} / {result['loadavg_after']}"]
    m = result.get("map")
    if m:
        med = m["median"]
        fmt = lambda v: "-" if v is None else f"{v:.2f} s"  # noqa: E731
        lines.append(f"map {m['items']} items, concurrency {m['concurrency']}, median of {m['rounds']}: "
                     f"floor {fmt(med['floor'])}, gradio_nb {fmt(med['gradio_nb'])}, "
                     f"gradio_client+threads {fmt(med['gradio_client'])}")
        if m["nb_over_floor"]:
            lines.append(f"  gradio_nb / floor = {m['nb_over_floor']:.2f} (target <= 1.1); "
                         f"gradio_client / floor = {m['gradio_client_over_floor'] or float('nan'):.2f}")
        for problem in m["problems"]:
            lines.append(f"  PROBLEM {problem}")
        for failure in m["reference_failures"]:
            lines.append(f"  gradio_client failed (not counted): {failure.splitlines()[-1] if failure else ''}")
    lazy = result.get("lazy")
    if lazy:
        if "error" in lazy:
            lines.append(f"lazy: ERROR {lazy['error'][-500:]}")
        else:
            lines.append(f"lazy {lazy['items']} generated items: {lazy['wall']:.1f} s, CPU "
                         f"{lazy['cpu_per_item_ms']:.3f} ms/item (target <= 1), RSS growth "
                         f"{lazy['rss_growth_mb']:.1f} MB, results {lazy['results_mb']:.1f} MB, beyond "
                         f"results {lazy['beyond_results_mb']:.1f} MB (target <= 50), correct={lazy['correct']}")
            floor = lazy.get("floor", {})
            if "cpu_per_item_ms" in floor:
                lines.append(f"  floor, same run: {floor['wall']:.1f} s, CPU {floor['cpu_per_item_ms']:.3f} ms/item; "
                             f"gradio_nb / floor CPU = {lazy['cpu_per_item_ms'] / floor['cpu_per_item_ms']:.2f}")
    cached = result.get("cached")
    if cached:
        r = cached["rerun"]
        if "error" in r:
            lines.append(f"cached: ERROR {r['error'][-500:]}")
        else:
            lines.append(f"cached re-run of {cached['items']} items: {r['wall']:.3f} s (target <= 0.5), "
                         f"{r['app_calls']} app calls (target 0), {r['cached']} from cache, "
                         f"first run {cached['first'].get('wall', float('nan')):.2f} s")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
