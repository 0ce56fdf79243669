"""Time N calls of one endpoint: a plain loop of predicts, all submitted at once in this process,
``client.map`` (when this branch has it), and a Dask ``LocalCluster`` map of ``client.api.echo``.

Run:  PYTHONPATH=. .venv/bin/python bench/dask_map.py [N] [WORKERS]      (defaults: 200, 2)

The app is bench/bench_app.py (``/echo``, async, no concurrency limit) on a free loopback port.
Dask's figures exclude the cluster's start-up (printed apart); its first map includes each
worker's lazy connect, the second shows the steady state.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from servers import GradioServer  # noqa: E402

from gradio_nb import Client  # noqa: E402


def timed(label: str, fn, n: int) -> float:
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    assert out == [f"x{i}" for i in range(n)], label
    print(f"{label:<44} {seconds:7.2f} s  ({n / seconds:6.1f} calls/s)")
    return seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    texts = [f"x{i}" for i in range(n)]
    server = GradioServer(ROOT / "bench" / "bench_app.py").start()
    try:
        with Client(server.url, verbose=False) as client:
            echo = client.api.echo
            echo("warm-up")
            timed("loop of predicts", lambda: [echo(t) for t in texts], n)
            timed("submit all, then results (one process)",
                  lambda: [job.result() for job in [echo.submit(t) for t in texts]], n)
            if hasattr(client, "map"):
                timed("client.map", lambda: list(echo.map(texts).results()), n)
            else:
                print("client.map: not on this branch")

            from distributed import Client as DaskClient
            from distributed import LocalCluster

            start = time.perf_counter()
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, \
                    DaskClient(cluster) as dask:
                print(f"{'Dask LocalCluster start-up':<44} {time.perf_counter() - start:7.2f} s")
                label = f"Dask map, {workers} worker processes"
                timed(f"{label} (1st: lazy connects)", lambda: dask.gather(dask.map(echo, texts)), n)
                # pure=False: new task keys, so Dask runs the calls again instead of reusing results
                timed(f"{label} (2nd)", lambda: dask.gather(dask.map(echo, texts, pure=False)), n)
                start = time.perf_counter()  # Dask's own cost per task: the same map of a no-op
                dask.gather(dask.map(str, texts, pure=False))
                print(f"{'Dask map of str (no app call), same items':<44} {time.perf_counter() - start:7.2f} s")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
