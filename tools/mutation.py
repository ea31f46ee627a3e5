"""Mutation testing of the analysis modules with mutmut (PyPI), module by module, each against its
own fast test subset — see the issue "Trustworthy results" (kill rate ≥ 85 % per module).

    python tools/mutation.py metrics [--sample 150] [--seed 20] [--commit main] [--jobs 2]

For each module the committed tree of ``--commit`` is exported (``git archive``) into a scratch
folder (``$TMPDIR/stadtbild-mutation/<module>``), a ``setup.cfg`` tells mutmut which file(s) to
mutate (a module plus the modules split out of it, see MODULES) and which tests to run, and
``mutmut run`` is started under ``nice -n 10``. With ``--sample N`` a seeded random sample of N
of the generated mutants is run (an unbiased estimate of the kill rate, ±√(p(1−p)/N)); without it
all mutants run (hours for the larger modules on two cores). The result — killed, survived,
no covering test, timeout, the kill rate and the survivors' names — is printed as JSON and saved
beside the scratch folder; ``mutmut show NAME`` in the scratch folder shows a survivor's diff.

mutmut is not a project dependency (``pip install 'mutmut>=3.2,<4'`` into any venv that can
import the project's dependencies; ``MUTMUT`` names its executable).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: module -> (files to mutate, test files, pytest -k expression selecting the fast tests)
MODULES = {
    "solar": (["analysis/solar.py"], ["tests/test_solar.py"], "not cli and not view and not demo"),
    "sunlight": (["analysis/sunlight.py"], ["tests/test_sunlight.py"], "not demo_district and not cli"),
    "setbacks": (["analysis/setbacks.py"], ["tests/test_setbacks.py"], "not cli and not view"),
    "shadow": (["analysis/shadow.py"], ["tests/test_shadow.py"], "not rendered and not cli"),
    "sightline": (["analysis/sightline.py"], ["tests/test_sightline.py", "tests/test_sightline_blockers.py"],
                  "not cli"),
    "metrics": (["analysis/metrics.py"], ["tests/test_metrics.py"], "not cli"),
}
#: folders copied next to the mutated files so that the tests can import everything
COPY = ["model", "importers", "exporters", "analysis", "viewer", "cli", "app", "tests", "resources", "main.py",
        "pyproject.toml"]


def _split_modules(tree: Path, files: list[str]) -> list[str]:
    """The module files plus modules split out of them later (``analysis/shadow_*.py`` next to
    ``analysis/shadow.py``, or a package ``analysis/shadow/``)."""
    out = []
    for f in files:
        p = tree / f
        stem = p.with_suffix("")
        out += [f] if p.exists() else []
        out += sorted(str(q.relative_to(tree)) for q in p.parent.glob(f"{stem.name}_*.py"))
        if stem.is_dir():
            out += sorted(str(q.relative_to(tree)) for q in stem.rglob("*.py"))
    return out


def _mutmut(args, cwd, env, check=True):
    exe = os.environ.get("MUTMUT", "mutmut")
    proc = subprocess.run(["nice", "-n", "10", exe, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check and proc.returncode not in (0, 1):
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"mutmut {' '.join(args[:1])} failed ({proc.returncode})")
    return proc


def _results(cwd, env) -> dict[str, str]:
    """{mutant name: status} from ``mutmut results --all true``."""
    out = _mutmut(["results", "--all", "true"], cwd, env).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+):\s*(.+?)\s*$", line)
        if m and "__mutmut_" in m.group(1):
            res[m.group(1)] = m.group(2)
    return res


def run(module: str, sample: int | None, seed: int, commit: str, jobs: int) -> dict:
    files, tests, selection = MODULES[module]
    base = Path(os.environ.get("STADTBILD_MUTATION_DIR", Path(tempfile.gettempdir()) / "stadtbild-mutation"))
    tree = base / module
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    sha = subprocess.run(["git", "rev-parse", commit], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "archive", sha], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    mutate = _split_modules(tree, files)
    def lines(key, values):
        return [f"{key}=", *(f"    {v}" for v in values)]

    cfg = ["[mutmut]", *lines("source_paths", mutate), *lines("also_copy", COPY),
           *lines("pytest_add_cli_args_test_selection", [*tests, "-k", selection, "-p", "no:cacheprovider",
                                                         "-p", "no:warnings"])]
    (tree / "setup.cfg").write_text("\n".join(cfg) + "\n")
    env = dict(os.environ)
    data = Path(env.get("STADTBILD_DATA", ROOT.parent / "shared" / "data")).resolve()
    env.update(STADTBILD_DATA=str(data), STADTBILD_SCHEMAS=str(data.parent / "schemas"), PYTHONHASHSEED="0")
    # generate the mutants and the test map (a name that matches no mutant runs none)
    _mutmut(["run", "--max-children", str(jobs), "no-such-mutant"], tree, env, check=False)
    names = sorted(_results(tree, env))
    if not names:
        raise SystemExit(f"mutmut generated no mutants for {module} (see {tree})")
    chosen = names if not sample or sample >= len(names) else sorted(random.Random(seed).sample(names, sample))
    for start in range(0, len(chosen), 200):  # keep the command line short
        _mutmut(["run", "--max-children", str(jobs), *chosen[start:start + 200]], tree, env, check=False)
    status = _results(tree, env)
    picked = {n: status.get(n, "not checked") for n in chosen}
    counts: dict[str, int] = {}
    for s in picked.values():
        counts[s] = counts.get(s, 0) + 1
    killed = counts.get("killed", 0)
    checked = sum(v for k, v in counts.items() if k not in ("not checked", "skipped"))
    rate = killed / checked if checked else 0.0
    report = {"module": module, "files": mutate, "tests": tests, "selection": selection, "commit": sha,
              "mutants_total": len(names), "mutants_run": checked, "sample": bool(sample and sample < len(names)),
              "seed": seed, "counts": counts, "kill_rate": round(rate, 4),
              "kill_rate_stderr": round((rate * (1 - rate) / checked) ** 0.5, 4) if checked else None,
              "survivors": sorted(n for n, s in picked.items() if s not in ("killed", "not checked")),
              "folder": str(tree)}
    (base / f"{module}.json").write_text(json.dumps(report, indent=1))
    return report


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("modules", nargs="+", choices=sorted(MODULES))
    p.add_argument("--sample", type=int, default=None, help="run a seeded random sample of N mutants")
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--commit", default="main", help="the commit to measure (default: main)")
    p.add_argument("--jobs", type=int, default=2, help="parallel mutant runs (default 2)")
    args = p.parse_args(argv)
    for module in args.modules:
        report = run(module, args.sample, args.seed, args.commit, args.jobs)
        print(json.dumps({k: v for k, v in report.items() if k != "survivors"} | {"survivors": len(report["survivors"])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
