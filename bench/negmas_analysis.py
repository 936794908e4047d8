#!/usr/bin/env python
"""Side-by-side benchmark: outcome-space analysis in NegMAS 0.16.0 vs `impasse analyze`.

Run from the repository root, after `bench/setup-negmas.sh` and
`cargo build --release -p impasse-cli`:

    bench/.venv/bin/python bench/negmas_analysis.py                 # default domain set
    bench/.venv/bin/python bench/negmas_analysis.py --runs 3 y2012/CameraB y2012/TravelA
    bench/.venv/bin/python bench/negmas_analysis.py --no-impasse    # NegMAS side only

What is timed (best of N, wall clock, single process):

* NegMAS: `pareto_frontier(ufuns, issues=scenario.issues)` followed by
  `nash_points(ufuns, frontier, outcome_space=...)` on a scenario freshly loaded with
  `Scenario.from_genius_folder(path, ignore_discount=True)` (loading is timed separately and NOT
  included; neither is the interpreter start-up nor `import negmas`, ~0.6 s).
  NegMAS is timed twice: on its ufuns as loaded (raw evaluations, no per-issue normalisation: the
  "NegMAS ms" column and the ratio) and on the same ufuns re-normalised per issue the GENIUS way
  (each evaluation divided by its issue's largest evaluation), which gives a like-for-like frontier.
* impasse: the whole process `impasse analyze DIR --format json` (start-up, XML parsing, full analysis:
  zone of agreement, frontier of the space and of the zone, Nash/KS/egalitarian/utilitarian,
  clashes, closest packages, JSON output). That is strictly more work than NegMAS's two calls.
  Measured with the default thread count (all cores) and with `--threads 1`.

Frontier sizes: NegMAS's `pareto_frontier` keeps only *rational* outcomes (every utility >= the
party's reservation value) and de-duplicates equal utility vectors; on raw utilities its frontier is
a different object than GENIUS's. The script therefore also computes, with numpy, by brute force
over the whole outcome space from the XML with GENIUS semantics
(U = sum_i w_i * eval_i / max_v eval_i, clamped to <= 1):
  * `GENIUS all`: distinct utility vectors on the Pareto frontier of the whole space — this is what
    impasse's `pareto_frontier_size` should equal;
  * `GENIUS rat.`: the same restricted to rational outcomes — this is what NegMAS on GENIUS-normalised
    ufuns should report.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")

REPO = Path(__file__).resolve().parent.parent

# Bilateral GENIUS domains, 1k-200k outcomes (the core set used for the geometric mean) ...
CORE_DOMAINS = [
    "y2013/Animal",  # 1,152
    "y2012/BarbecueA",  # 1,440
    "y2012/GroceryA",  # 1,600
    "y2012/PhoneA",  # 1,600
    "y2012/AmsterdamB",  # 3,024
    "y2012/CameraB",  # 3,600
    "y2013/Lunch",  # 3,840
    "y2012/MusicCollectionA",  # 4,320
    "y2013/SmartPhone",  # 12,000
    "y2012/EnergySmallA",  # 15,625
    "y2012/CarA",  # 15,625
    "y2013/Kitchen",  # 15,625
    "y2013/Wholesaler",  # 56,700
    "y2012/SupermarketA",  # 112,896
    "y2012/TravelA",  # 188,160
]
# ... plus a few small and one large domain, reported but outside the geometric mean of the core set.
EXTRA_DOMAINS = [
    "y2012/LaptopC",  # 27
    "y2012/ItexvsCypressA",  # 180
    "y2011/IS_BT_Acquisition",  # 384
    "y2012/FitnessA",  # 3,520 (NegMAS 0.16.0 fails to load it: "No issue with index 0")
    "y2012/EnergyA",  # 390,625
]


# --------------------------------------------------------------------------------------------
# GENIUS XML, read independently of NegMAS and of impasse (brute-force reference)
# --------------------------------------------------------------------------------------------


@dataclass
class GeniusProfile:
    name: str
    tables: list[np.ndarray]  # per issue (domain order): normalised evaluation per value (domain order)
    weights: np.ndarray
    reservation: float


@dataclass
class GeniusDomain:
    issues: list[tuple[str, list[str]]]
    profiles: list[GeniusProfile] = field(default_factory=list)

    @property
    def n_outcomes(self) -> int:
        return math.prod(len(v) for _, v in self.issues)


def read_genius(folder: Path) -> GeniusDomain:
    """Discrete additive GENIUS domains only; raises ValueError on anything else."""
    domain_root, profile_roots = None, []
    for f in sorted(folder.glob("*.xml")):
        if f.name.endswith("pareto.xml"):
            continue
        try:
            r = ET.parse(f).getroot()
        except ET.ParseError:
            continue
        if r.tag == "negotiation_template":
            domain_root = r
        elif r.tag == "utility_space":
            profile_roots.append((f.stem, r))
    if domain_root is None:
        raise ValueError(f"{folder}: no domain file")
    issues = []
    for iss in domain_root.iter("issue"):
        if iss.get("type", iss.get("etype", "discrete")) != "discrete":
            raise ValueError(f"{folder}: non-discrete issue {iss.get('name')}")
        issues.append((iss.get("name"), [it.get("value") for it in iss.findall("item")]))
    dom = GeniusDomain(issues=issues)
    for stem, r in profile_roots:
        if r.find(".//utility_function") is not None:
            raise ValueError(f"{folder}: non-linear profile {stem}")
        obj = r.find("objective")
        by_name, index_to_name = {}, {}
        for iss in obj.iter("issue"):
            ev = {it.get("value"): float(it.get("evaluation", "0")) for it in iss.findall("item")}
            by_name[iss.get("name")] = ev
            index_to_name[iss.get("index")] = iss.get("name")
        wmap = {index_to_name.get(w.get("index")): float(w.get("value")) for w in obj.findall("weight")}
        tables, weights = [], []
        for name, values in issues:
            ev = by_name.get(name, {})
            mx = max(ev.values(), default=0.0)
            t = np.array([(ev.get(v, 0.0) / mx) if mx >= 1e-5 else 0.0 for v in values], dtype=float)
            tables.append(t)
            weights.append(wmap.get(name, 0.0))
        res = r.find("reservation")
        rv = float(res.get("value")) if res is not None else 0.0
        dom.profiles.append(GeniusProfile(stem, tables, np.array(weights), rv))
    return dom


def genius_utilities(dom: GeniusDomain) -> np.ndarray:
    """(n_outcomes, n_parties) utilities, outcomes in lexicographic (first issue slowest) order."""
    cols = []
    for p in dom.profiles:
        u = np.zeros(1)
        for w, t in zip(p.weights, p.tables):
            u = np.add.outer(u, w * t).ravel()
        cols.append(np.minimum(u, 1.0))
    return np.stack(cols, axis=1)


def frontier_2d(points: np.ndarray, decimals: int | None = None) -> np.ndarray:
    """Distinct utility vectors on the Pareto frontier of a 2-column array (optionally rounded first)."""
    if decimals is not None:
        points = np.round(points, decimals)
    if len(points) == 0:
        return points
    p = np.unique(points, axis=0)
    order = np.lexsort((-p[:, 1], -p[:, 0]))  # u0 descending, then u1 descending
    p = p[order]
    # vectorised sweep: a point is kept iff its u1 beats every u1 of points with larger u0
    # (points with equal u0 are sorted by u1 descending, so only the first of a u0-run can be kept)
    run_max = np.maximum.accumulate(p[:, 1])
    prev_max = np.concatenate(([-np.inf], run_max[:-1]))
    keep = p[:, 1] > prev_max
    return p[keep]


def brute_force(folder: Path) -> dict:
    dom = read_genius(folder)
    if len(dom.profiles) != 2:
        raise ValueError(f"{folder}: {len(dom.profiles)} profiles (bilateral only)")
    t0 = time.perf_counter()
    u = genius_utilities(dom)
    rv = np.array([p.reservation for p in dom.profiles])
    rational = u[np.all(u >= rv, axis=1)]
    out = dict(
        outcomes=dom.n_outcomes,
        reservations=rv.tolist(),
        frontier_all=len(frontier_2d(u)),
        frontier_all_tol=len(frontier_2d(u, 9)),
        frontier_rational=len(frontier_2d(rational)),
        frontier_rational_tol=len(frontier_2d(rational, 9)),
        zone_size=int(np.sum(np.all(u >= rv, axis=1))),
        zone_size_tol=int(np.sum(np.all(u >= rv - 1e-9, axis=1))),
    )
    # Nash over the rational outcomes, disagreement point = the reservation values (GENIUS/impasse)
    ok = np.all(u >= rv, axis=1)
    if ok.any():
        prod = np.prod(u[ok] - rv, axis=1)
        out["nash"] = tuple(float(x) for x in u[ok][int(np.argmax(prod))])
        out["nash_product"] = float(prod.max())
    else:
        out["nash"] = None
    out["numpy_ms"] = (time.perf_counter() - t0) * 1000
    return out


# --------------------------------------------------------------------------------------------
# NegMAS side
# --------------------------------------------------------------------------------------------


def negmas_load(folder: Path):
    from negmas.inout import Scenario

    s = Scenario.from_genius_folder(folder, ignore_discount=True)
    if s is None:
        raise ValueError(f"NegMAS could not load {folder}")
    return s


def genius_normalised_ufuns(s):
    """The scenario's linear-additive ufuns with each issue's values divided by the issue's max
    (GENIUS's EvaluatorDiscrete semantics). Returns None if a ufun is not a LinearAdditive one."""
    from negmas.preferences import LinearAdditiveUtilityFunction as LAU
    from negmas.preferences.value_fun import TableFun

    out = []
    for u in s.ufuns:
        if not isinstance(u, LAU) or not all(isinstance(v, TableFun) for v in u.values):
            return None
        vals = []
        for v in u.values:
            mx = max(v.mapping.values())
            vals.append({k: (x / mx if mx >= 1e-5 else 0.0) for k, x in v.mapping.items()})
        out.append(
            LAU(
                values=vals,
                weights=list(u.weights),
                outcome_space=s.outcome_space,
                reserved_value=u.reserved_value,
                name=u.name,
            )
        )
    return out


def negmas_once(folder: Path, normalise: bool):
    from negmas.preferences.ops import nash_points, pareto_frontier

    t0 = time.perf_counter()
    s = negmas_load(folder)
    t_load = time.perf_counter() - t0
    ufuns = s.ufuns
    if normalise:
        ufuns = genius_normalised_ufuns(s)
        if ufuns is None:
            return None
    c0 = time.process_time()
    t0 = time.perf_counter()
    frontier, _idx = pareto_frontier(ufuns, issues=s.issues)
    nash = nash_points(ufuns, frontier, outcome_space=s.outcome_space)
    t = time.perf_counter() - t0
    cpu = time.process_time() - c0
    nash_u = tuple(float(x) for x in nash[0][0]) if nash else None
    return dict(sec=t, cpu=cpu, load_sec=t_load, frontier=len(frontier), nash=nash_u,
                outcomes=int(s.outcome_space.cardinality))


def negmas_best(folder: Path, runs: int, normalise: bool):
    """Best (minimum) wall time, CPU time and load time over `runs` runs (each minimum on its own)."""
    best = None
    for _ in range(runs):
        r = negmas_once(folder, normalise)
        if r is None:
            return None
        if best is None:
            best = r
            continue
        for k in ("sec", "cpu", "load_sec"):
            best[k] = min(best[k], r[k])
    return best


# --------------------------------------------------------------------------------------------
# impasse side
# --------------------------------------------------------------------------------------------


def default_impasse() -> Path:
    target = os.environ.get("CARGO_TARGET_DIR")
    base = Path(target) if target else REPO / "target"
    if not base.is_absolute():
        base = REPO / base
    return base / "release" / "impasse"


def impasse_once(binary: Path, folder: Path, threads: int | None):
    cmd = [str(binary), "analyze", str(folder), "--format", "json"]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    try:
        report = json.loads(p.stdout)
    except json.JSONDecodeError:
        msg = (p.stderr or p.stdout).decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"impasse exit {p.returncode}: {' | '.join(msg[:3])}")
    return t, cpu, report


def impasse_best(binary: Path, folder: Path, runs: int, threads: int | None):
    """Minimum wall time and minimum CPU time (user + sys of the child) over `runs` runs."""
    impasse_once(binary, folder, threads)  # warm-up (page cache), not counted
    best, best_cpu, report = math.inf, math.inf, None
    for _ in range(runs):
        t, cpu, report = impasse_once(binary, folder, threads)
        best, best_cpu = min(best, t), min(best_cpu, cpu)
    return best, best_cpu, report


def impasse_summary(report: dict) -> dict:
    sc = report.get("scenario", {})
    parties = [p["id"] for p in sc.get("parties", [])]
    nash = (report.get("solutions") or {}).get("nash")
    nash_u = tuple(float(nash["utilities"][p]) for p in parties) if nash else None
    pts = report.get("pareto_frontier") or []
    distinct = None
    if pts and len(pts) == report.get("pareto_frontier_size"):
        distinct = len({tuple(round(float(p["utilities"][q]), 9) for q in parties) for p in pts})
    return dict(
        frontier_distinct=distinct,
        outcomes=sc.get("outcomes"),
        classes=sc.get("analysed_classes"),
        frontier=report.get("pareto_frontier_size"),
        zone_frontier=report.get("zone_pareto_frontier_size"),
        zone=(report.get("agreement_zone") or {}).get("size"),
        nash=nash_u,
        verdict=report.get("verdict"),
    )


# --------------------------------------------------------------------------------------------
# Synthetic domain, written as a GENIUS folder so that both tools read the same files
# --------------------------------------------------------------------------------------------


def write_synthetic(folder: Path, n_issues: int, n_values: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for f in folder.glob("*.xml"):
        f.unlink()

    def issue_xml(k, with_eval=None):
        items = []
        for j in range(n_values):
            ev = "" if with_eval is None else f' evaluation="{with_eval[j]:.0f}"'
            items.append(f'      <item index="{j + 1}" value="v{j}"{ev}/>')
        return (f'    <issue index="{k + 1}" name="i{k}" etype="discrete" type="discrete" vtype="discrete">\n'
                + "\n".join(items) + "\n    </issue>")

    dom = ("<negotiation_template>\n<utility_space number_of_issues=\"%d\">\n"
           '  <objective index="0" name="root" etype="objective" type="objective">\n' % n_issues
           + "\n".join(issue_xml(k) for k in range(n_issues))
           + "\n  </objective>\n</utility_space>\n</negotiation_template>\n")
    (folder / "synthetic-domain.xml").write_text(dom)
    for p in range(2):
        w = rng.random(n_issues)
        w /= w.sum()
        issues = []
        for k in range(n_issues):
            base = np.linspace(1, 100, n_values)
            base = base if p == 0 else base[::-1]  # opposing preferences
            ev = np.clip(base + rng.normal(0, 15, n_values), 1, 120).round()
            issues.append(issue_xml(k, ev))
        weights = "\n".join(f'    <weight index="{k + 1}" value="{w[k]:.6f}"/>' for k in range(n_issues))
        prof = ('<utility_space>\n  <objective index="0" name="root" type="objective" etype="objective">\n'
                + "\n".join(issues) + "\n" + weights
                + '\n  </objective>\n  <reservation value="0.2"/>\n</utility_space>\n')
        (folder / f"synthetic-prof{p + 1}.xml").write_text(prof)
    return folder


# --------------------------------------------------------------------------------------------


def fmt_ms(sec):
    if sec is None:
        return "—"
    ms = sec * 1000
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def zone_txt(bf):
    if not bf:
        return "—"
    z, zt = bf["zone_size"], bf["zone_size_tol"]
    return f"{z:,}" if z == zt else f"{z:,} ({zt:,} with 1e-9 slack)"


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def fmt_nash(u):
    return "—" if u is None else "(" + ", ".join(f"{x:.4f}" for x in u) + ")"


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} logical CPUs, {cpu}, Python {platform.python_version()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("domains", nargs="*",
                    help="domain folders relative to --domains-root (default: the built-in set)")
    ap.add_argument("--domains-root", type=Path, default=REPO.parent / "shared" / "genius-domains")
    ap.add_argument("--runs", type=int, default=5, help="NegMAS runs per domain (best of)")
    ap.add_argument("--big-runs", type=int, default=2,
                    help="NegMAS runs for domains with more than --big outcomes")
    ap.add_argument("--big", type=int, default=50_000)
    ap.add_argument("--impasse-runs", type=int, default=10, help="impasse runs per domain (best of)")
    ap.add_argument("--impasse", type=Path, default=None,
                    help="impasse binary (default: $CARGO_TARGET_DIR or target/ + release/impasse)")
    ap.add_argument("--no-impasse", action="store_true", help="NegMAS side only")
    ap.add_argument("--no-normalised", action="store_true",
                    help="skip timing NegMAS on GENIUS-normalised ufuns")
    ap.add_argument("--synthetic", default="7x7",
                    help="ISSUESxVALUES of a synthetic bilateral GENIUS domain to add ('none' to skip)")
    ap.add_argument("--synthetic-dir", type=Path, default=REPO / "bench" / "out" / "synthetic")
    ap.add_argument("--json-out", type=Path, default=None, help="also write all results as JSON")
    args = ap.parse_args()
    args.big_runs = max(1, min(args.big_runs, args.runs))

    import negmas

    root = args.domains_root.resolve()
    names = args.domains or (CORE_DOMAINS + EXTRA_DOMAINS)
    core = set(CORE_DOMAINS) if not args.domains else None
    cases = [(n, root / n) for n in names]
    if args.synthetic and args.synthetic.lower() != "none":
        ni, nv = (int(x) for x in args.synthetic.lower().split("x"))
        label = f"synthetic {ni}x{nv}"
        cases.append((label, write_synthetic(args.synthetic_dir / f"{ni}x{nv}", ni, nv)))

    binary = None
    if not args.no_impasse:
        binary = (args.impasse or default_impasse()).resolve()
        if not binary.exists():
            found = shutil.which("impasse")
            if found:
                binary = Path(found)
            else:
                print(f"!! impasse binary not found at {binary}; NegMAS side only "
                      f"(build it with `cargo build --release -p impasse-cli`)", file=sys.stderr)
                binary = None

    print(f"# negmas {negmas.__version__}; {machine()}; load average at start {loadavg()}")
    if binary:
        ver = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
        ts = []
        for _ in range(20):
            t0 = time.perf_counter()
            subprocess.run([str(binary), "--version"], stdout=subprocess.DEVNULL)
            ts.append(time.perf_counter() - t0)
        print(f"# impasse: {binary} ({ver}); bare process start (`impasse --version`, best of 20): "
              f"{min(ts) * 1000:.2f} ms")
    print(f"# NegMAS: pareto_frontier + nash_points, best of {args.runs} "
          f"({args.big_runs} above {args.big:,} outcomes), load not included")
    if binary:
        print(f"# impasse: whole process `impasse analyze DIR --format json`, best of {args.impasse_runs} "
              f"after one warm-up — load + FULL analysis, strictly more work than NegMAS's two calls; "
              f"CPU = user + sys time of the child process")
    print()

    results = []
    for name, folder in cases:
        row = dict(domain=name, folder=str(folder))
        print(f"... {name}", file=sys.stderr, flush=True)
        try:
            row["brute"] = brute_force(folder)
        except Exception as e:  # noqa: BLE001
            row["brute_error"] = str(e)
        n_out = row.get("brute", {}).get("outcomes")
        runs = args.big_runs if (n_out or 0) > args.big else args.runs
        try:
            row["negmas"] = negmas_best(folder, runs, normalise=False)
            if not args.no_normalised:
                row["negmas_norm"] = negmas_best(folder, runs, normalise=True)
        except Exception as e:  # noqa: BLE001
            row["negmas_error"] = f"{type(e).__name__}: {e}"
        if binary:
            try:
                t, _, rep = impasse_best(binary, folder, args.impasse_runs, None)
                t1, cpu1, _ = impasse_best(binary, folder, args.impasse_runs, 1)
                row["impasse"] = dict(sec=t, sec_1thread=t1, cpu_1thread=cpu1, **impasse_summary(rep))
            except Exception as e:  # noqa: BLE001
                row["impasse_error"] = str(e)
        results.append(row)

    # ---- table 1: timings
    def fx(x):
        return "—" if x is None else f"{x:,.0f}×" if x >= 10 else f"{x:.1f}×"

    hdr = ("| domain | outcomes | NegMAS ms | impasse ms | ratio | impasse ms (--threads 1) | ratio (1 thread) "
           "| NegMAS CPU ms | impasse CPU ms (--threads 1) | CPU ratio |")
    print(hdr)
    print("|" + "|".join(["---"] * (hdr.count("|") - 1)) + "|")
    series = {"wall": [], "wall1": [], "cpu": []}
    series_core = {"wall": [], "wall1": [], "cpu": []}
    for r in results:
        nm, im, bf = r.get("negmas"), r.get("impasse"), r.get("brute", {})
        outcomes = (nm or {}).get("outcomes") or bf.get("outcomes") or (im or {}).get("outcomes")
        rat = dict(wall=None, wall1=None, cpu=None)
        if nm and im:
            rat = dict(wall=nm["sec"] / im["sec"], wall1=nm["sec"] / im["sec_1thread"],
                       cpu=nm["cpu"] / max(im["cpu_1thread"], 1e-6))
            for k, v in rat.items():
                series[k].append(v)
                if core is not None and r["domain"] in core:
                    series_core[k].append(v)
        err = r.get("negmas_error") or r.get("impasse_error") or r.get("brute_error")
        print(f"| {r['domain']} | {outcomes:,} | {fmt_ms(nm and nm['sec'])} | {fmt_ms(im and im['sec'])} "
              f"| {fx(rat['wall'])} | {fmt_ms(im and im['sec_1thread'])} | {fx(rat['wall1'])} "
              f"| {fmt_ms(nm and nm['cpu'])} | {fmt_ms(im and im['cpu_1thread'])} | {fx(rat['cpu'])} |"
              + (f" <!-- {err} -->" if err else ""))

    def gmean(xs):
        return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else None

    print()
    if series["wall"]:
        for label, ser in (("core set (1k–200k outcomes)", series_core), ("all rows", series)):
            if ser["wall"]:
                print(f"geometric-mean ratio NegMAS/impasse, {label}, {len(ser['wall'])} domains: "
                      f"{gmean(ser['wall']):,.1f}× wall (all cores), {gmean(ser['wall1']):,.1f}× wall (--threads 1), "
                      f"{gmean(ser['cpu']):,.1f}× CPU time")
        print(f"min / max wall ratio: {min(series['wall']):,.1f}× / {max(series['wall']):,.1f}×")
    else:
        print("no impasse timings (NegMAS side only)")

    # ---- table 2: frontier sizes
    print()
    print("| domain | NegMAS frontier (raw) | NegMAS frontier (GENIUS-norm.) | GENIUS frontier, rational "
          "| GENIUS frontier, all | impasse frontier | impasse = GENIUS all? |")
    print("|---|---|---|---|---|---|---|")
    mismatches = []
    for r in results:
        nm, nn, im, bf = r.get("negmas"), r.get("negmas_norm"), r.get("impasse"), r.get("brute", {})
        match = "—"
        if im and bf:
            if im["frontier"] == bf["frontier_all"]:
                match = "yes"
            elif im["frontier"] == bf["frontier_all_tol"]:
                match = "yes (1e-9)"
            else:
                match = "**NO**"
                if im.get("frontier_distinct") is not None and im["frontier_distinct"] != im["frontier"]:
                    match += f" ({im['frontier_distinct']} distinct utility vectors in its list)"
                mismatches.append(r["domain"])
        br, ba = bf.get("frontier_rational"), bf.get("frontier_all")
        if bf and bf.get("frontier_rational_tol") != br:
            br = f"{br} ({bf['frontier_rational_tol']} @1e-9)"
        if bf and bf.get("frontier_all_tol") != ba:
            ba = f"{ba} ({bf['frontier_all_tol']} @1e-9)"
        print(f"| {r['domain']} | {nm['frontier'] if nm else '—'} | {nn['frontier'] if nn else '—'} "
              f"| {br if br is not None else '—'} | {ba if ba is not None else '—'} "
              f"| {im['frontier'] if im else '—'} | {match} |")
    print()
    print(f"load average at end: {loadavg()}")
    if mismatches:
        print(f"frontier size MISMATCH (impasse vs GENIUS brute force, whole space): {', '.join(mismatches)}")

    # ---- secondary table: NegMAS load time, Nash points
    print()
    print("| domain | NegMAS load ms | NegMAS (GENIUS-norm.) ms "
          "| Nash NegMAS (GENIUS-norm.) | Nash brute force | Nash impasse | zone size (brute force) | impasse zone |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        nm, nn, im, bf = r.get("negmas"), r.get("negmas_norm"), r.get("impasse"), r.get("brute", {})
        print(f"| {r['domain']} | {fmt_ms(nm and nm['load_sec'])} | {fmt_ms(nn and nn['sec'])} "
              f"| {fmt_nash(nn and nn['nash'])} | {fmt_nash(bf.get('nash'))} | {fmt_nash(im and im['nash'])} "
              f"| {zone_txt(bf)} | {im['zone'] if im else '—'} |")

    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(dict(machine=machine(), negmas=negmas.__version__,
                                                 results=results), indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
