"""Runs in an old server's venv with the gradio_client of that day (0.6.1 for 3.50 ... 0.12.0 for
4.21): the matrix's calls, printed as one JSON list of [outcome, description] for
test_matrix_old.py.

    python reference_matrix.py URL PLAN.json

PLAN is a list of [api_name, args]; a file in args is {"__file__": path}, sent as that day's
clients took files: a path (handle_file came with gradio_client 1.0).
"""
import json
import os
import sys
import warnings
from concurrent.futures import CancelledError, ThreadPoolExecutor

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradio_client import Client  # noqa: E402

from catalog import describe  # noqa: E402

WORKERS = 3
CALL_TIMEOUT = 30  # seconds; a call takes well under one on an idle server
# gradio_client 0.7.x (sse_v1) registers a call only after Client.send_data has posted it and
# seen the shared event stream open: Endpoint._predict then resets
# pending_messages_per_event[event_id] = [] (wiping what the stream already stored for it, the
# completion included) and adds the id to pending_event_ids (by then the stream may have closed,
# having seen no call pending, or died on remove() of an id not yet added). The call then waits
# forever. It strikes calls in flight together, at random; a hung call is made again, alone, on
# a fresh client.
RETRIES_WHEN_HUNG = 2


def _files(value):
    if isinstance(value, dict):
        return value["__file__"] if set(value) == {"__file__"} else {k: _files(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_files(v) for v in value]
    return value


def main() -> None:
    url, plan_path = sys.argv[1], sys.argv[2]
    with open(plan_path) as f:
        plan = json.load(f)
    shared = Client(url, verbose=False)

    def call(item, client=shared):
        api_name, args = item
        for attempt in range(3):
            try:
                result = client.submit(*_files(args), api_name=api_name).result(timeout=CALL_TIMEOUT)
                break
            except CancelledError:
                # These clients' race (utils.check_for_cancel): a job whose thread completes
                # before the cancel watcher looks raises CancelledError though it worked. A
                # flaw of the reference, not a behaviour to compare: call again.
                if attempt == 2:
                    return ["error", "CancelledError (the client of the day, 3 times)"]
            except TimeoutError:
                # the client of the day never returned (seen with gradio_client 0.7.x): there is
                # no reference for this call; the test reports it and compares nothing
                return ["hung", f"no answer from the client of the day within {CALL_TIMEOUT} s"]
            except Exception as exc:  # noqa: BLE001 - compared by kind with gradio_nb's outcome
                return ["error", f"{type(exc).__name__}: {str(exc)[:300]}"]
        if api_name.startswith("/in_") and isinstance(result, str):
            return ["ok", json.loads(result)]
        if isinstance(result, str) and result.endswith(".json") and os.path.isfile(result):
            # 3.x clients hand a JSON-typed output back as a .json file: its content is the value
            with open(result, encoding="utf-8") as f:
                return ["ok", {"json file": describe(json.load(f))}]
        if isinstance(result, str) and os.path.isfile(os.path.join(result, "captions.json")):
            # 3.x clients hand a Gallery output back as a folder: its images are the value, with
            # their captions (captions.json maps each image to its caption) as the app sent them
            with open(os.path.join(result, "captions.json"), encoding="utf-8") as f:
                captions = json.load(f)
            return ["ok", {"gallery folder": [describe(p) if c is None else [describe(p), c]
                                              for p, c in captions.items()]}]
        return ["ok", describe(result)]

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(call, plan))
    for i, item in enumerate(plan):
        for _ in range(RETRIES_WHEN_HUNG):
            if outcomes[i][0] != "hung":
                break
            outcomes[i] = call(item, Client(url, verbose=False))
    print(json.dumps(outcomes, ensure_ascii=False), flush=True)
    # a hung call's thread would keep the interpreter waiting at exit
    os._exit(0)


if __name__ == "__main__":
    main()
