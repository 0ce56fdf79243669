"""How many comm messages the live batch card sends per second under a fast, large batch.

    PYTHONPATH=. .venv/bin/python -m bench.batch_card_rate [--items 10000]

Runs ``/square`` of tests/widgets/apps/batch_view_app.py (Gradio 6.31, instant) over N items
with a ``BatchCard`` shown on ipywidgets' DummyComm (no kernel), counts every comm message the
card's widgets send, and prints the average and the busiest second. Issue #11: 10,000 items
must not flood the frontend (the card draws at ~10 Hz however fast items finish).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()

    from ipywidgets.widgets.tests.utils import DummyComm, setup_test_comm
    from servers import GradioServer

    from gradio_nb import Client
    from gradio_nb.widgets._batch_card import BatchCard

    sent: list[float] = []
    original = DummyComm.send

    def counting_send(self, *a, **k):
        sent.append(time.monotonic())
        return original(self, *a, **k)

    DummyComm.send = counting_send  # type: ignore[method-assign]
    setup_test_comm()
    with tempfile.TemporaryDirectory() as tmp:
        server = GradioServer(os.path.join(ROOT, "tests/widgets/apps/batch_view_app.py"), temp_dir=tmp,
                              log_dir=tmp, startup_timeout=300)
        server.start()
        try:
            with Client(server.url, verbose=False) as client:
                batch = client.map([{"x": i} for i in range(args.items)], "/square",
                                   concurrency=args.concurrency, progress=False)
                card = BatchCard(batch)
                started = time.monotonic()
                card.wait_drawn(3600)
                elapsed = time.monotonic() - started
                s = batch.snapshot()
        finally:
            server.stop()
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent[:: max(1, len(sent) // 2000)])
    print(f"{s.done}/{args.items} items ({s.succeeded} ok) in {elapsed:.1f} s "
          f"({s.done / elapsed:.0f} items/s): {len(sent)} comm messages, "
          f"{len(sent) / elapsed:.1f}/s on average, {busiest} in the busiest second")


if __name__ == "__main__":
    main()
