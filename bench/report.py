"""Medians, ratios, targets, and the text/markdown tables."""
from __future__ import annotations

import statistics
from typing import Any

COLUMNS = ["floor", "floor_isolated", "gradio_client", "gradio_nb", "gradio_nb_async",
           "gradio_nb_shared"]
# Other ways of using gradio_nb, each judged against the same targets in a column of its own.
VARIANTS = {"gradio_nb_async": "async", "gradio_nb_shared": "isolate_jobs=False"}
# The contender we measure against. Its failures are findings about it, not failures of the run.
REFERENCE = "gradio_client"

# (workload, metric, label, unit, target) ; target: (kind, bound)
#   kind "floor<=": gradio_nb <= bound x floor ; "gc<=": gradio_nb <= bound x gradio_client
#   "floor>=": gradio_nb >= bound x floor ; "abs<=": gradio_nb <= bound ; "true": must be true
ROWS: list[tuple[str, str, str, str, tuple[str, float] | None]] = [
    ("seq", "p50_ms", "1. sequential predict p50", "ms", ("floor<=", 1.3)),
    ("seq", "p90_ms", "   sequential predict p90", "ms", None),
    ("seq", "cpu_ms_per_call", "   client CPU per call", "ms", None),
    ("seq", "server_cpu_s", "   app (server) CPU while it ran", "s", None),
    ("concurrent", "wall_s", "2. concurrent submits, wall", "s", ("floor<=", 1.15)),
    ("concurrent", "cpu_s", "   client CPU for all submits", "s", None),
    ("concurrent", "server_cpu_s", "   app (server) CPU while it ran", "s", None),
    ("stream", "p50_ms", "3. stream emit->receipt p50", "ms", ("abs<=", 5.0)),
    ("stream", "max_ms", "   stream emit->receipt max", "ms", ("abs<=", 25.0)),
    ("connect", "cold_ms", "4. Client(url), first in process", "ms", ("gc<=", 0.5)),
    ("connect", "warm_ms", "   Client(url), later ones", "ms", None),
    ("connect", "load_plus_cold_ms", "   import + first Client(url)", "ms", None),
    ("import", "import_ms", "5. import (minus bare interpreter)", "ms", ("abs<=", 150.0)),
    ("import", "no_ipython_ipywidgets", "   no IPython/ipywidgets imported", "", ("true", 0)),
    ("files", "mb_per_s", "6. file up+down throughput", "MB/s", ("floor>=", 0.8)),
    ("files", "elapsed_s", "   file up+down time", "s", None),
    ("files", "cpu_s", "   client CPU for the file", "s", None),
    ("files", "rss_growth_mb", "   peak RSS growth", "MB", ("abs<=", 64.0)),
    ("scale", "threads_added", "7. threads added, jobs in flight", "", ("abs<=", 2.0)),
    ("scale", "threads_added_by_jobs", "   threads added by the jobs alone", "", None),
    ("scale", "kb_per_job", "   RSS per job in flight", "KB", None),
    ("scale", "fds_during", "   open fds (sockets) while in flight", "", None),
    ("scale", "wall_s", "   wall for all jobs", "s", None),
    ("scale", "cpu_s", "   client CPU for all jobs", "s", None),
]


def _ok(runs: list[dict]) -> list[dict]:
    return [r for r in runs if r.get("status") == "ok"]


def median_of(runs: list[dict], key: str) -> Any:
    vals = [r.get(key) for r in _ok(runs) if r.get(key) is not None]
    if not vals:
        return None
    if all(isinstance(v, bool) for v in vals):
        return all(vals)
    return statistics.median(vals)


def status_of(runs: list[dict]) -> str:
    if not runs:
        return "not run"
    st = {r.get("status") for r in runs}
    if st == {"unavailable"}:
        return "unavailable"
    if "error" in st or any(r.get("correct") is False for r in runs):
        return "WRONG"
    if "timeout" in st:
        return "timeout" if st == {"timeout"} else "ok (some timeouts)"
    return "ok"


def check(target, nb, floor, gc) -> tuple[str, float | None]:
    """Returns ('pass'|'FAIL'|'n/a', ratio used)."""
    if target is None:
        return "", None
    kind, bound = target
    if nb is None:
        return "n/a", None
    if kind == "true":
        return ("pass" if nb else "FAIL"), None
    if kind == "abs<=":
        return ("pass" if nb <= bound else "FAIL"), None
    ref = floor if kind.startswith("floor") else gc
    if not ref:
        return "n/a", None
    ratio = nb / ref
    ok = ratio >= bound if kind.endswith(">=") else ratio <= bound
    return ("pass" if ok else "FAIL"), ratio


def target_text(target) -> str:
    if target is None:
        return ""
    kind, bound = target
    return {
        "floor<=": f"<= {bound:g} x floor",
        "floor>=": f">= {bound:g} x floor",
        "gc<=": f"<= {bound:g} x gradio_client",
        "abs<=": f"<= {bound:g}",
        "true": "yes",
    }[kind]


def summarise(results: dict[str, dict[str, list]]) -> dict:
    rows = []
    targets_failed = []
    for w, key, label, unit, target in ROWS:
        if w not in results:
            continue
        per = results[w]
        med = {c: median_of(per.get(c, []), key) for c in COLUMNS}
        verdict, ratio = check(target, med["gradio_nb"], med["floor"], med["gradio_client"])
        variant_verdicts = {c: check(target, med[c], med["floor"], med["gradio_client"])[0]
                            for c in VARIANTS if per.get(c)}
        nb, fl, gc = med["gradio_nb"], med["floor"], med["gradio_client"]
        num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
        rows.append({
            "workload": w, "metric": key, "label": label, "unit": unit, "medians": med,
            "nb_over_floor": nb / fl if num(nb) and num(fl) and fl else None,
            "nb_over_isolated": nb / med["floor_isolated"]
            if num(nb) and num(med["floor_isolated"]) and med["floor_isolated"] else None,
            "nb_over_gc": nb / gc if num(nb) and num(gc) and gc else None,
            "target": target_text(target), "verdict": verdict, "variant_verdicts": variant_verdicts,
        })
        if verdict == "FAIL":
            targets_failed.append(f"{label.strip()}: {nb} ({target_text(target)})")
    wrong = []
    reference_failures = []  # the reference client's own bugs under load: findings, not our failures
    status = {}
    timeouts = []
    for w, per in results.items():
        status[w] = {c: status_of(runs) for c, runs in per.items()}
        for c, runs in per.items():
            timeouts += [f"{w}/{c} round {r.get('round', 0) + 1}: {r.get('reason')}"
                         for r in runs if r.get("status") == "timeout"]
        for c, runs in per.items():
            for r in runs:
                if r.get("status") == "error" or r.get("correct") is False:
                    why = r.get("reason") or "; ".join(r.get("problems") or [])
                    line = f"{w}/{c} round {r.get('round', 0) + 1}: {why[:300]}"
                    (reference_failures if c == REFERENCE else wrong).append(line)
    return {"rows": rows, "status": status, "wrong": wrong, "timeouts": timeouts,
            "reference_failures": reference_failures, "targets_failed": targets_failed}


def fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, int):
        return str(v)
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def markdown(data: dict) -> str:
    meta, summary = data["meta"], data["summary"]
    present = [c for c in COLUMNS if any(c in per for per in data["results"].values())]
    isolated = "floor_isolated" in present
    head = ["metric", "unit"] + present + ["nb/floor"] + (["nb/isolated"] if isolated else []) + \
        ["nb/gc", "target (gradio_nb)", "pass"]
    variants = [c for c in VARIANTS if c in present]
    head += [f"pass ({VARIANTS[c]})" for c in variants]
    lines = [
        f"# gradio_nb benchmark ({meta['mode']}, {meta['rounds']} round(s), medians)",
        "",
        f"{meta['started_utc']} · {meta['cpus']} CPUs · load avg start {meta['loadavg_start']} "
        f"end {meta.get('loadavg_end')} · {meta.get('duration_s')} s · "
        + " ".join(f"{k} {v}" for k, v in meta["versions"].items())
        + f" (source {meta.get('gradio_nb_source_sha256', '?')}) · floor {meta.get('floor_config')}",
        "",
        "Parameters: " + "; ".join(
            f"{w} " + ", ".join(f"{k}={v}" for k, v in p.items() if k not in ("path", "sha256"))
            for w, p in meta["params"].items()),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for row in summary["rows"]:
        cells = [row["label"].strip(), row["unit"]] + [fmt(row["medians"][c]) for c in present]
        cells += [fmt(row["nb_over_floor"])] + ([fmt(row["nb_over_isolated"])] if isolated else []) + \
            [fmt(row["nb_over_gc"]), row["target"], row["verdict"]]
        cells += [row["variant_verdicts"].get(c, "") for c in variants]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Status per workload (ok / WRONG / unavailable):", ""]
    for w, per in summary["status"].items():
        lines.append(f"- {w}: " + ", ".join(f"{c} {s}" for c, s in per.items()))
    extra = _notes(data)
    if extra:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in extra]
    if summary.get("timeouts"):
        lines += ["", "Did not finish in time (not counted as wrong):", ""] + \
            [f"- {t}" for t in summary["timeouts"]]
    if summary.get("reference_failures"):
        lines += ["", f"{REFERENCE} failed (its own errors, reported; they do not fail the run):",
                  ""] + [f"- {f}" for f in summary["reference_failures"]]
    if summary["wrong"]:
        lines += ["", "WRONG results:", ""] + [f"- {w}" for w in summary["wrong"]]
    return "\n".join(lines) + "\n"


def _notes(data: dict) -> list[str]:
    res, notes = data["results"], []
    for c, runs in res.get("import", {}).items():
        ok = _ok(runs)
        if ok:
            r = ok[-1]
            notes.append(f"import {c}: forbidden/heavy modules loaded: {r['forbidden_loaded'] or 'none'}; "
                         f"top: " + ", ".join(f"{n} {ms} ms" for n, ms in r["top_imports_ms"][:5]))
    fl = _ok(res.get("files", {}).get("floor", []))
    if fl and fl[-1].get("phases"):
        ph = {k: statistics.median(r["phases"][k] for r in fl) for k in fl[-1]["phases"]}
        notes.append("floor file phases (s): " + ", ".join(f"{k} {v:.2f}" for k, v in ph.items()))
    for c, runs in res.get("scale", {}).items():
        ok = _ok(runs)
        if ok:
            r = ok[-1]
            notes.append(
                f"scale {c}: OS threads start {r['threads_start']} / connected {r['threads_connected']}"
                f" / during {r['threads_during']}; python threads {r['py_threads_start']} / "
                f"{r['py_threads_connected']} / {r['py_threads_during']}; all in flight: {r['all_in_flight']}")
    lr = data["meta"].get("loadavg_per_round")
    if lr:
        notes.append(f"load average at the start of each round: {lr}")
    return notes


def one_line(w: str, r: dict) -> str:
    st = r.get("status")
    if st != "ok":
        return f"{st}: {str(r.get('reason', ''))[:200]}"
    keys = {
        "seq": ["p50_ms", "p90_ms", "cpu_ms_per_call"], "concurrent": ["wall_s", "cpu_s"],
        "stream": ["p50_ms", "max_ms"], "connect": ["cold_ms", "warm_ms", "load_plus_cold_ms"],
        "import": ["import_ms", "no_ipython_ipywidgets"], "files": ["mb_per_s", "rss_growth_mb"],
        "scale": ["threads_added", "kb_per_job", "wall_s", "cpu_s"],
        "soak": ["rss_start_mb", "rss_settled_mb", "rss_end_mb", "rss_max_mb",
                 "rss_slope_mb_per_min_after_warmup"],
    }[w]
    s = " ".join(f"{k}={fmt(r.get(k))}" for k in keys)
    if r.get("correct") is False:
        s += "  WRONG: " + "; ".join(r.get("problems", []))[:200]
    return s + f"  ({r.get('took_s', '?')} s)" if "took_s" in r else s


def soak_markdown(data: dict) -> str:
    m = data["meta"]
    lines = [f"# gradio_nb soak ({m['minutes']} min)", "",
             f"{m['started_utc']} · load avg {m['loadavg_start']} -> {m.get('loadavg_end')}", "",
             "| contender | status | RSS start MB | RSS after warm-up MB | RSS end MB | RSS max MB "
             "| RSS slope after warm-up MB/min | threads start/end | fds start/end | counts | problems |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for c, r in data["soak"].items():
        if r.get("status") != "ok":
            lines.append(f"| {c} | {r.get('status')} | | | | | | | | | {str(r.get('reason'))[:200]} |")
            continue
        lines.append(
            f"| {c} | {'ok' if r['correct'] else 'WRONG'} | {fmt(r['rss_start_mb'])} | "
            f"{fmt(r['rss_settled_mb'])} | {fmt(r['rss_end_mb'])} | {fmt(r['rss_max_mb'])} | "
            f"{fmt(r['rss_slope_mb_per_min_after_warmup'])} | {r['threads_start']}/{r['threads_end']} | {r['fds_start']}/{r['fds_end']} | "
            f"{r['counts']} | {r['problem_count']} |")
    return "\n".join(lines) + "\n"
