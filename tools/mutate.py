"""Mutation testing of one core module with mutmut, in a scratch copy of the repository.

    python tools/mutate.py lrt/headway.py            # score, surviving mutants and their diffs
    python tools/mutate.py lrt/sim --children 2       # a package: every module in it
    python tools/mutate.py lrt/kpis.py --tests tests/test_kpis.py
    python tools/mutate.py lrt/kpis.py --only "lrt.kpis.x__train_hours*"   # the mutants of one function

mutmut (``pip install '.[dev]'``) mutates the module's functions one small change at a time (an operator,
a number, a comparison, an argument) and runs the tests that reach each mutated function; a mutant that
no test notices *survives*.  The score is killed / (mutants - equivalent), where the equivalent mutants
(changes that cannot alter behaviour, such as a mutated error message text checked elsewhere, or a bound
that is never reached) are listed with a one-line reason in ``tools/equivalent/<module>.toml``.  Scores per
module are kept in docs/testing.md.  The work happens in a temporary copy: the checkout is never touched.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "tools" / "equivalent"
COPY = ["lrt", "tests", "network", "timetables", "scenarios", "pyproject.toml", "README.md"]

# the tests that guard each core module (the fast ones: mutmut runs them for every mutant)
TESTS = {
    "lrt/runtime.py": ["tests/test_runtime.py", "tests/test_cli_runtime.py", "tests/test_runtime_memo.py",
                       "tests/test_cab_dynamics.py", "tests/test_cache.py"],
    "lrt/headway.py": ["tests/test_headway.py"],
    "lrt/kpis.py": ["tests/test_kpis.py", "tests/test_kpis_groups.py"],
    "lrt/demand.py": ["tests/test_demand.py"],
    "lrt/timetable/check.py": ["tests/test_timetable_check.py", "tests/test_timetable.py"],
    # the service a day's fleet allows: its own stories (reserves asked for) and the engine's (trains_needed)
    "lrt/sim/service.py": ["tests/test_sim_service.py", "tests/test_sim_stories.py"],
    # the engine's own interface (state, run and pause, inject, spare trains, what a controller hears) and the stories
    "lrt/sim/engine.py": ["tests/test_sim_engine.py", "tests/test_sim_stories.py", "tests/test_sim_control.py",
                          "tests/test_dwell.py", "tests/test_sim_faults.py", "tests/test_sim_noise.py",
                          "tests/test_sim_plan_leg.py", "tests/test_sim_passengers_book.py"],
    # the exact stories on tiny lines; the full-day invariants (test_sim_invariants.py, test_weather.py) take
    # tens of seconds a run, too slow for thousands of mutants, and stay in the normal suite
    "lrt/sim/": ["tests/test_sim_stories.py", "tests/test_sim_control.py", "tests/test_sim_engine.py", "tests/test_dwell.py",
                 "tests/test_sim_faults.py", "tests/test_sim_noise.py", "tests/test_sim_plan_leg.py",
                 "tests/test_sim_passengers_book.py"],
    # the loading layer, module by module (the first entry that matches wins, so these come before lrt/io/);
    # the bad-input corpus (tests/test_bad_input*.py) runs whole commands and is left to the suite
    "lrt/io/quantities.py": ["tests/test_io_line.py", "tests/test_io_energy.py", "tests/test_io_rollingstock.py"],
    "lrt/io/line.py": ["tests/test_io_line.py", "tests/test_io_energy.py"],
    "lrt/io/rollingstock.py": ["tests/test_io_rollingstock.py", "tests/test_io_energy.py", "tests/test_io_line.py"],
    "lrt/io/conditions.py": ["tests/test_io_conditions.py"],
    "lrt/io/faults.py": ["tests/test_io_faults.py"],
    "lrt/io/pattern.py": ["tests/test_io_pattern.py"],
    "lrt/io/timetable.py": ["tests/test_io_timetable.py"],
    "lrt/io/tables.py": ["tests/test_io_tables.py", "tests/test_io_timetable.py", "tests/test_gtfs.py"],
    "lrt/io/gtfs.py": ["tests/test_gtfs.py"],
    "lrt/io/demand.py": ["tests/test_io_demand.py", "tests/test_demand.py"],
    "lrt/io/files.py": ["tests/test_io_files.py", "tests/test_io_line.py"],
    "lrt/io/outputs.py": ["tests/test_io_outputs.py", "tests/test_outputs.py"],
    "lrt/io/": ["tests/test_io_line.py", "tests/test_io_energy.py", "tests/test_timetable.py", "tests/test_demand.py",
                "tests/test_gtfs.py", "tests/test_weather.py", "tests/test_bad_input.py",
                "tests/test_bad_input_timetables.py"],
}


def tests_for(module: str) -> list[str]:
    """The test files for a module: its own entry, or its package's."""
    for key, tests in TESTS.items():
        if module == key or (key.endswith("/") and module.startswith(key)):
            return [t for t in tests if (ROOT / t).exists()]
    raise SystemExit(f"error: {module}: no tests are listed for it in tools/mutate.py, expected one of "
                     f"{', '.join(TESTS)} (or give --tests)")


def equivalents() -> dict[str, str]:
    """Mutant name -> the reason it cannot change behaviour, from every file in tools/equivalent/."""
    out: dict[str, str] = {}
    for path in sorted(EQUIVALENT.glob("*.toml")):
        with path.open("rb") as f:
            out.update({name: str(reason) for name, reason in tomllib.load(f).get("equivalent", {}).items()})
    return out


def run(module: str, tests: list[str], children: int, keep: Path | None, only: list[str] | None = None) -> int:
    work = Path(tempfile.mkdtemp(prefix="lrt-mutate-")) if keep is None else keep
    failed = False
    try:
        for name in COPY:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                                dirs_exist_ok=True)
            else:
                shutil.copy2(src, work / name)
        pattern = module.rstrip("/") + ("/*" if (ROOT / module).is_dir() else "")
        config = (f'\n[tool.mutmut]\nsource_paths = ["lrt/"]\nonly_mutate = ["{pattern}"]\n'
                  f'also_copy = ["network/", "timetables/", "scenarios/", "README.md"]\n'
                  f'pytest_add_cli_args_test_selection = {tests!r}\n'.replace("'", '"'))
        with (work / "pyproject.toml").open("a", encoding="utf-8") as f:
            f.write(config)
        mutmut = [sys.executable, "-m", "mutmut"]
        subprocess.run([*mutmut, "run", "--max-children", str(children), *(only or [])], cwd=work, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={**os.environ, "LRT_CACHE_DIR": "off"})  # no mutant's run kept for another
        out = subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True).stdout
        status = dict(re.findall(r"^\s*(\S+): (\w[\w ]*)$", out, flags=re.M))
        if only:  # the mutants asked for (mutmut lists the others as not checked)
            status = {n: s for n, s in status.items() if any(fnmatch.fnmatchcase(n, p) for p in only)}
        if not status:
            failed = True
            print(f"error: {module}: mutmut produced no results, expected a score (run 'python -m mutmut run' in "
                  f"{work}, kept, to see why)", file=sys.stderr)
            return 2
        return report(module, tests, status, work)
    finally:
        if keep is None and not failed:
            shutil.rmtree(work, ignore_errors=True)


def report(module: str, tests: list[str], status: dict[str, str], work: Path) -> int:
    equivalent = equivalents()
    total = len(status)
    killed = sum(1 for s in status.values() if s in ("killed", "timeout"))
    survivors = sorted(n for n, s in status.items() if s not in ("killed", "timeout"))
    known = [n for n in survivors if n in equivalent]
    open_ = [n for n in survivors if n not in equivalent]
    score = killed / (total - len(known)) if total > len(known) else 1.0
    print(f"{module}: {total} mutants, {killed} killed, {len(known)} equivalent, {len(open_)} surviving: "
          f"score {100 * score:.1f} % (killed / (mutants - equivalent)); tests: {' '.join(tests)}")
    for name in known:
        print(f"  equivalent {name}: {equivalent[name]}")
    mutmut = [sys.executable, "-m", "mutmut"]
    for name in open_:
        diff = subprocess.run([*mutmut, "show", name], cwd=work, capture_output=True, text=True).stdout
        print(f"\n  survived ({status[name]}) {name}")
        print("\n".join("    " + line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python tools/mutate.py")
    p.add_argument("module", help="a module or package of lrt/, e.g. lrt/headway.py or lrt/sim/")
    p.add_argument("--tests", nargs="+", help="test files to run (default: the module's, listed in this script)")
    p.add_argument("--children", type=int, default=2, help="mutants tested at once (default 2, the cores here)")
    p.add_argument("--keep", type=Path, help="work in this folder and keep it (mutmut browse there)")
    p.add_argument("--only", nargs="+", metavar="PATTERN",
                   help="only the mutants whose names match (e.g. 'lrt.kpis.x__train_hours*' for one function)")
    args = p.parse_args()
    if not (ROOT / args.module).exists():
        print(f"error: {args.module}: no such module, expected a path under lrt/", file=sys.stderr)
        return 2
    return run(args.module, args.tests or tests_for(args.module), args.children, args.keep, args.only)


if __name__ == "__main__":
    sys.exit(main())
