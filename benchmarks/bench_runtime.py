"""Time of the running-time calculation over the full Astana line, both directions.

Prints the median wall time after import (data already loaded) for several integration steps, and the
integration error: against the closed form of an ideal train, and against a 0.25 m reference run.
Run: python benchmarks/bench_runtime.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import ideal_train, make_line  # noqa: E402
from timing import median_time  # noqa: E402

from lrt.conditions import Conditions  # noqa: E402
from lrt.io.line import read_line  # noqa: E402
from lrt.io.rollingstock import read_train  # noqa: E402
from lrt.paths import shipped_network, shipped_rolling_stock  # noqa: E402
from lrt.runtime import run_both, run_profile  # noqa: E402


def main() -> None:
    line, train = read_line(shipped_network()), read_train(shipped_rolling_stock())
    reference = run_both(line, train, step_m=0.25)
    print("full line, both directions (17 + 17 stop-to-stop runs, 7 % allowance by coasting)")
    print(f"{'step m':>7} {'median ms':>10} {'flat-out up s':>14} {'error vs 0.25 m':>16} {'with allowance s':>17}")
    for step in (1.0, 2.0, 4.0, 5.0):
        elapsed = median_time(lambda: run_both(line, train, step_m=step))
        r = run_both(line, train, step_m=step)
        err = abs(r["up"].min_running_s - reference["up"].min_running_s) / reference["up"].min_running_s
        print(f"{step:>7g} {elapsed * 1000:>10.1f} {r['up'].min_running_s:>14.1f} {err:>15.3%} "
              f"{r['up'].running_s:>17.1f}")
    # closed form: t = d/v + v/(2a) + v/(2b)
    d, a, b, v = 2000.0, 1.0, 1.0, 80 / 3.6
    ideal = make_line((1000.0, 1000.0 + d), line_speed_ms=v, acceleration=a, braking=b)
    dry = Conditions(adhesion_traction=1.0, adhesion_braking=1.0)
    exact = d / v + v / (2 * a) + v / (2 * b)
    for step in (2.0, 5.0):
        t = run_profile(ideal, ideal_train(a, b, v), conditions=dry, allowance=0.0, step_m=step).running_s
        print(f"closed form (2 km, 1.0/1.0 m/s², 80 km/h), step {step:g} m: {t:.3f} s vs exact {exact:.3f} s "
              f"(error {abs(t - exact) / exact:.4%})")


if __name__ == "__main__":
    main()
