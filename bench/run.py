"""gradio_nb vs gradio_client vs a raw-protocol floor, on a local Gradio 6.31 app.

    .venv/bin/python -m bench              full run (3 rounds), writes bench/results/latest.{json,md}
    .venv/bin/python -m bench --quick      CI smoke run (< 60 s), never fails on timing
    .venv/bin/python -m bench --soak 30    30-minute reliability soak (RSS over time)

See bench/README.md. Exit status: 0, or 1 if gradio_nb or the floor produced WRONG results
(an exception counts as wrong; 'unavailable' does not). The reference client's own errors
are reported but do not fail the run. With --strict, 2 if gradio_nb missed a target.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # allow `python bench/run.py`
    sys.path.insert(0, ROOT)

from bench import report  # noqa: E402

PY = sys.executable
# Loopback only: never through a proxy from the environment.
os.environ["NO_PROXY"] = ",".join(filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1,localhost"]))
os.environ["no_proxy"] = os.environ["NO_PROXY"]
CONTENDERS = ["floor", "floor_isolated", "gradio_client", "gradio_nb", "gradio_nb_async",
              "gradio_nb_shared"]
WORKLOADS = ["seq", "stream", "connect", "import", "concurrent", "files", "scale"]
# gradio_nb_async runs the workloads where the async API is a different code path
ASYNC_WORKLOADS = {"seq", "concurrent", "stream", "scale"}
# floor_isolated and gradio_nb_shared differ from the floor and gradio_nb only where jobs
# run side by side
ISOLATED_WORKLOADS = {"concurrent", "scale"}


def _runs(contender: str, workload: str) -> bool:
    if contender == "gradio_nb_async":
        return workload in ASYNC_WORKLOADS
    if contender in ("floor_isolated", "gradio_nb_shared"):
        return workload in ISOLATED_WORKLOADS
    return True

FULL = {
    "seq": {"calls": 40, "discard": 5},
    "concurrent": {"jobs": 300},
    "stream": {"items": 20, "interval": 0.05},
    "connect": {"connects": 5, "processes": 5},
    "import": {"runs": 7},
    "files": {"mb": 200},
    "scale": {"jobs": 1000, "seconds": 3.0},
}
QUICK = {
    "seq": {"calls": 8, "discard": 2},
    "concurrent": {"jobs": 30},
    "stream": {"items": 5, "interval": 0.02},
    "connect": {"connects": 2, "processes": 1},
    "import": {"runs": 2},
    "files": {"mb": 2},
    "scale": {"jobs": 50, "seconds": 0.5},
}
SAMPLE_INTERVAL = {"files": 0.005, "scale": 0.02, "soak": 1.0}


def _die_with_parent() -> None:  # runs in the child before exec (Linux only)
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort: other platforms rely on Server.stop()
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Server:
    def __init__(self, tmp: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ, GRADIO_TEMP_DIR=os.path.join(tmp, "server"),
                   GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
        self.log = open(os.path.join(tmp, "server.log"), "wb")
        self.proc = subprocess.Popen(
            [PY, os.path.join(ROOT, "bench", "bench_app.py"), str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=tmp,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        try:
            self._wait_ready(timeout=120)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bench app exited: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "config", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"bench app did not start in {timeout:.0f} s")
            time.sleep(0.1)

    def cpu_s(self) -> float:
        """CPU seconds the app's process has used so far (its share of a workload's cost)."""
        import psutil

        times = psutil.Process(self.proc.pid).cpu_times()
        return times.user + times.system

    def settle(self, timeout: float = 60.0) -> float:
        """Wait until the app is idle (under 10% of a CPU for half a second): a contender that
        timed out leaves work behind (gradio_client's 1,000 sleeps), which must not be billed
        to whoever runs next. Returns the seconds waited."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            before = self.cpu_s()
            time.sleep(0.5)
            if self.cpu_s() - before < 0.05:
                break
        return time.monotonic() - t0

    def stop(self) -> None:
        if self.log.closed:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def make_file(tmp: str, mb: float) -> tuple[str, str]:
    path = os.path.join(tmp, "input", "blob.bin")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    h = hashlib.sha256()
    left = int(mb * 1_000_000)
    with open(path, "wb") as f:
        while left:
            chunk = os.urandom(min(left, 1 << 20))
            h.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    return path, h.hexdigest()


def run_worker(contender: str, workloads: list[str], params: dict, url: str, tmp: str,
               timeout: float) -> dict[str, dict]:
    """Run ``workloads`` in one fresh process; returns {workload: result}."""
    dl = tempfile.mkdtemp(prefix=f"dl-{contender}-", dir=tmp)
    spec = {
        "contender": contender,
        "workloads": workloads,
        "url": url,
        "download_dir": dl,
        "params": {w: params[w] for w in workloads},
        "sample_interval": min(SAMPLE_INTERVAL.get(w, 0.5) for w in workloads),
    }
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", PYTHONPATH=ROOT)
    try:
        p = subprocess.run([PY, "-m", "bench.worker", json.dumps(spec)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=timeout,
                           preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        line = next((ln for ln in reversed(p.stdout.splitlines()) if ln.startswith("BENCH_RESULT ")), None)
        if line is None:
            failed = {"status": "error", "correct": False,
                      "reason": f"worker exit {p.returncode}, no result", "stderr": p.stderr[-4000:]}
            out = {w: dict(failed) for w in workloads}
        else:
            out = json.loads(line[len("BENCH_RESULT "):])["workloads"]
            for res in out.values():
                if res.get("status") == "error":
                    res["stderr"] = p.stderr[-2000:]
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else str(exc.stderr or "")
        out = {w: {"status": "timeout", "correct": None, "reason": f"timed out after {timeout} s",
                   "stderr": err[-4000:]} for w in workloads}
    finally:
        shutil.rmtree(dl, ignore_errors=True)
    return out


def measure_connect(contender: str, params: dict, url: str, tmp: str, timeout: float) -> dict:
    """The connect workload in ``processes`` fresh workers: "first in process" is one sample per
    process, so one process per round would leave that median to chance."""
    runs = [run_worker(contender, ["connect"], params, url, tmp, timeout)["connect"]
            for _ in range(params["connect"].get("processes", 1))]
    ok = [r for r in runs if r.get("status") == "ok"]
    if len(ok) < len(runs):
        return next(r for r in runs if r.get("status") != "ok")
    med = lambda key: statistics.median(r[key] for r in ok)  # noqa: E731
    return {
        "status": "ok",
        "cold_ms": med("cold_ms"),
        "load_plus_cold_ms": med("load_plus_cold_ms"),
        "warm_ms": med("warm_ms") if all(r.get("warm_ms") is not None for r in ok) else None,
        "cold_all_ms": [round(r["cold_ms"], 2) for r in ok],
        "correct": all(r.get("correct") for r in ok),
        "problems": [p for r in ok for p in r.get("problems", [])][:5],
    }


# --- import workload (measured here: a fresh interpreter per sample) ------------------

IMPORT_STMT = {
    "floor": "import asyncio, json, httpx",
    "gradio_client": "import gradio_client",
    "gradio_nb": "import gradio_nb",
}
FORBIDDEN = ("IPython", "ipywidgets", "ipykernel", "gradio", "numpy", "pandas")


def _wall(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([PY, "-c", code], check=True, cwd=ROOT, capture_output=True)
    return (time.perf_counter() - t0) * 1e3


def measure_import(contender: str, runs: int) -> dict:
    stmt = IMPORT_STMT.get(contender)
    if stmt is None:
        return {"status": "skipped"}
    try:
        _wall(stmt)  # warm the page cache and .pyc files
    except subprocess.CalledProcessError as exc:
        return {"status": "unavailable", "reason": (exc.stderr or b"").decode()[-500:]}
    bare, full = [], []
    for _ in range(runs):
        bare.append(_wall("pass"))
        full.append(_wall(stmt))
    # -X importtime: self-reported cumulative time of the top-level package, and top offenders
    p = subprocess.run([PY, "-X", "importtime", "-c", stmt], cwd=ROOT, capture_output=True, text=True)
    rows = []  # (cumulative us, name, nesting level)
    for ln in p.stderr.splitlines():
        if not ln.startswith("import time:"):
            continue
        parts = ln[len("import time:"):].split("|")
        try:
            cum = int(parts[1])
        except (ValueError, IndexError):
            continue  # the header line
        raw = parts[2][1:]
        rows.append((cum, raw.strip(), (len(raw) - len(raw.lstrip())) // 2))
    names = [n.strip() for n in stmt.replace("import", "").split(",")]
    cum_top = sum(cum for cum, name, level in rows if level == 0 and name in names) or None
    heavy = sorted(((cum, name) for cum, name, level in rows if level <= 1 and name not in names),
                   reverse=True)[:8]
    probe = subprocess.run(
        [PY, "-c", stmt + "; import sys, json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"],
        cwd=ROOT, capture_output=True, text=True)
    mods = json.loads(probe.stdout.strip().splitlines()[-1]) if probe.returncode == 0 else []
    forbidden = [m for m in FORBIDDEN if m in mods]
    return {
        "status": "ok",
        "import_ms": statistics.median(full) - statistics.median(bare),
        "bare_interpreter_ms": statistics.median(bare),
        "importtime_cumulative_ms": cum_top / 1e3 if cum_top else None,
        "top_imports_ms": [[name, round(cum / 1e3, 1)] for cum, name in heavy],
        "forbidden_loaded": forbidden,
        "no_ipython_ipywidgets": not any(m in mods for m in ("IPython", "ipywidgets")),
        "top_level_modules": len(mods),
        "correct": True,
    }


# --- orchestration ---------------------------------------------------------------------

def run_bench(args) -> dict:
    params = QUICK if args.quick else FULL
    rounds = args.rounds or (1 if args.quick else 3)
    workloads = args.workloads or WORKLOADS
    contenders = args.contenders or CONTENDERS
    timeout = args.timeout or (240 if args.quick else 600)
    tmp = tempfile.mkdtemp(prefix="gradio_nb_bench_")
    started = time.time()
    meta = {
        "started_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "rounds": rounds,
        "params": {w: params[w] for w in workloads},
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_start": loadavg(),
        "versions": _versions(),
        "gradio_nb_source_sha256": _source_digest(),
        "floor_config": {"max_inflight_joins": _floor_cfg("MAX_INFLIGHT_JOINS"),
                         "max_connections": _floor_cfg("MAX_CONNECTIONS")},
    }
    results: dict[str, dict[str, list]] = {w: {c: [] for c in contenders} for w in workloads}
    server = None
    try:
        t0 = time.perf_counter()
        server = Server(tmp)
        meta["server_start_s"] = round(time.perf_counter() - t0, 2)
        if "files" in workloads:
            path, digest = make_file(tmp, params["files"]["mb"])
            params = {**params, "files": {**params["files"], "path": path, "sha256": digest}}
        loads = []
        def record(w: str, c: str, r: int, res: dict, took: float) -> None:
            res["round"] = r
            res["loadavg"] = loadavg()
            res["took_s"] = round(took, 2)
            results[w][c].append(res)
            _dump_partial(args, meta, results)
            if not args.quiet:
                print(f"  round {r + 1}/{rounds}  {w:<10} {c:<16} {report.one_line(w, res)}",
                      file=sys.stderr, flush=True)

        for r in range(rounds):
            loads.append(loadavg())
            order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
            if args.quick:
                # one process per contender for all its workloads: proves the harness, fast
                for c in order:
                    ws = [w for w in workloads if w != "import"
                          and _runs(c, w)]
                    if ws:
                        t_w = time.perf_counter()
                        out = run_worker(c, ws, params, server.url, tmp, timeout)
                        for w in ws:
                            record(w, c, r, out[w], time.perf_counter() - t_w)
                    if "import" in workloads and c in IMPORT_STMT:
                        t_w = time.perf_counter()
                        record("import", c, r, measure_import(c, params["import"]["runs"]),
                               time.perf_counter() - t_w)
                continue
            for w in workloads:
                for c in order:
                    if not _runs(c, w):
                        continue
                    server.settle()
                    t_w = time.perf_counter()
                    server_cpu = server.cpu_s()
                    if w == "import":
                        if c not in IMPORT_STMT:
                            continue
                        res = measure_import(c, params["import"]["runs"])
                    elif w == "connect":
                        res = measure_connect(c, params, server.url, tmp, timeout)
                    else:
                        res = run_worker(c, [w], params, server.url, tmp, timeout)[w]
                        res["server_cpu_s"] = server.cpu_s() - server_cpu
                    record(w, c, r, res, time.perf_counter() - t_w)
        meta["loadavg_per_round"] = loads
    finally:
        if server is not None:
            server.stop()
        if args.keep_tmp:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    meta["loadavg_end"] = loadavg()
    meta["duration_s"] = round(time.time() - started, 1)
    results = {w: {c: v for c, v in per.items() if v} for w, per in results.items()}
    return {"meta": meta, "results": results, "summary": report.summarise(results)}


def _merge(paths: list[str]) -> dict:
    """Concatenate the runs of several result files (each keeps its own round/load data)."""
    merged: dict = {"meta": None, "results": {}, "merged_from": []}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        meta = data["meta"]
        merged["merged_from"].append({"file": os.path.basename(path), "started_utc": meta.get("started_utc"),
                                      "loadavg_start": meta.get("loadavg_start"),
                                      "gradio_nb_source_sha256": meta.get("gradio_nb_source_sha256")})
        if merged["meta"] is None:
            merged["meta"] = dict(meta)
            merged["meta"]["params"] = {}
        merged["meta"]["params"].update(meta.get("params", {}))
        for w, per in data["results"].items():
            for c, runs in per.items():
                for r in runs:
                    r.setdefault("source", os.path.basename(path))
                merged["results"].setdefault(w, {}).setdefault(c, []).extend(runs)
    merged["meta"]["rounds"] = max(
        (len(runs) for per in merged["results"].values() for runs in per.values()), default=0)
    merged["meta"]["loadavg_end"] = None
    merged["meta"]["duration_s"] = None
    merged["meta"]["started_utc"] = " + ".join(m["started_utc"] or "?" for m in merged["merged_from"])
    return merged


def _dump_partial(args, meta, results) -> None:
    """Keep what has been measured so far (a run cut short still leaves its numbers)."""
    if not args.partial:
        return
    with open(args.partial, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)


def _source_digest() -> str:
    """sha256 over gradio_nb's sources: which code was measured (no commits needed)."""
    h = hashlib.sha256()
    base = os.path.join(ROOT, "gradio_nb")
    for dirpath, dirnames, filenames in sorted(os.walk(base)):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                h.update(os.path.relpath(path, base).encode())
                with open(path, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()[:16]


def run_soak(args) -> dict:
    tmp = tempfile.mkdtemp(prefix="gradio_nb_soak_")
    contenders = args.contenders or ["gradio_nb"]
    out = {"meta": {"mode": "soak", "minutes": args.soak, "started_utc":
                    dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "loadavg_start": loadavg(), "versions": _versions()}, "soak": {}}
    server = Server(tmp)
    try:
        for c in contenders:
            out["soak"][c] = run_worker(c, ["soak"], {"soak": {"minutes": args.soak, "sample_every": 5.0}},
                                        server.url, tmp, timeout=args.soak * 60 + 300)["soak"]
            print(f"  soak {c}: {report.one_line('soak', out['soak'][c])}", file=sys.stderr)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    out["meta"]["loadavg_end"] = loadavg()
    return out


def _floor_cfg(name: str) -> int:
    from bench import floor

    return getattr(floor, name)


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    v = {}
    for pkg in ("gradio", "gradio_client", "httpx", "gradio_nb"):
        try:
            v[pkg] = version(pkg)
        except PackageNotFoundError:
            v[pkg] = None
    return v


def _exit_on_sigterm() -> None:
    """SIGTERM runs the finally blocks (server stopped, temp dir removed) like Ctrl-C."""
    import signal

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def _compile_checkout() -> None:
    """Give gradio_nb's checkout the .pyc files pip writes for every installed package.

    The gradio_client contender is an installed package with bytecode; gradio_nb is an editable
    checkout, and with PYTHONDONTWRITEBYTECODE set (as on these machines) every fresh worker
    process would compile it from source again, which is no part of what a user pays.
    """
    import compileall

    compileall.compile_dir(os.path.join(ROOT, "gradio_nb"), quiet=1)


def main(argv: list[str] | None = None) -> int:
    _exit_on_sigterm()
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="CI smoke run: tiny sizes, 1 round")
    ap.add_argument("--soak", type=float, metavar="MINUTES", help="reliability soak instead")
    ap.add_argument("--rounds", type=int, help="rounds (default 3, quick 1)")
    ap.add_argument("--workloads", nargs="+", choices=WORKLOADS, help="subset of workloads")
    ap.add_argument("--contenders", nargs="+", choices=CONTENDERS, help="subset of contenders")
    ap.add_argument("--out", help="JSON output (default bench/results/latest.json, quick.json, soak.json)")
    ap.add_argument("--strict", action="store_true", help="exit 2 if gradio_nb misses a target")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (server log)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--report", metavar="JSON", help="only re-render the table of a (partial) JSON")
    ap.add_argument("--merge", nargs="+", metavar="JSON",
                    help="merge the rounds of several (partial) runs into --out, then render")
    ap.add_argument("--timeout", type=float, help="per worker process, seconds (default 600, quick 240)")
    args = ap.parse_args(argv)
    args.partial = None

    if args.merge:
        data = _merge(args.merge)
        data["summary"] = report.summarise(data["results"])
        out = args.out or os.path.join(ROOT, "bench", "results", "latest.json")
        with open(out, "w") as f:
            json.dump(data, f, indent=1)
        md = report.markdown(data)
        with open(os.path.splitext(out)[0] + ".md", "w") as f:
            f.write(md)
        print(md)
        return 0
    if args.report:
        with open(args.report) as f:
            data = json.load(f)
        data["summary"] = report.summarise(data["results"])
        data["meta"].setdefault("loadavg_end", None)
        print(report.markdown(data))
        return 0

    default_name = "soak" if args.soak else ("quick" if args.quick else "latest")
    out = args.out or os.path.join(ROOT, "bench", "results", f"{default_name}.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)

    args.partial = os.path.splitext(out)[0] + ".partial.json"
    _compile_checkout()
    if args.soak:
        data = run_soak(args)
        md = report.soak_markdown(data)
    else:
        data = run_bench(args)
        md = report.markdown(data)
    with open(out, "w") as f:
        json.dump(data, f, indent=1)
    with open(os.path.splitext(out)[0] + ".md", "w") as f:
        f.write(md)
    if os.path.exists(args.partial):
        os.remove(args.partial)
    print(md)
    print(f"wrote {out} and {os.path.splitext(out)[0]}.md", file=sys.stderr)

    if args.soak:
        return 0 if all(r.get("correct") for r in data["soak"].values()
                        if r.get("status") != "unavailable") else 1
    summary = data["summary"]
    if args.quick and summary.get("timeouts"):
        print("TIMED OUT: " + "; ".join(summary["timeouts"]), file=sys.stderr)
        # The smoke run proves the harness and our contenders; the reference client being slow
        # on a loaded machine is timing, which must not fail it.
        if any(f"/{report.REFERENCE} " not in t for t in summary["timeouts"]):
            return 1
    if summary.get("reference_failures"):
        print("REFERENCE CLIENT FAILED (reported, not counted): "
              + "; ".join(summary["reference_failures"]), file=sys.stderr)
    if summary["wrong"]:
        print("WRONG RESULTS: " + "; ".join(summary["wrong"]), file=sys.stderr)
        return 1
    if args.strict and summary["targets_failed"]:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
