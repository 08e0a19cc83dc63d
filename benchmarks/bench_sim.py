"""Time of one simulated weekday with every passenger's record, and how it grows with demand.

Prints the median over repeats, on one core, of: drawing the passengers and simulating the day
(``simulate`` with a precomputed plan), and the plan itself (the running-time tables, once per scenario).
Run: python benchmarks/bench_sim.py
"""

from __future__ import annotations

from timing import median_time

from lrt.demand import build_demand
from lrt.io.demand import read_demand_model
from lrt.io.line import read_line
from lrt.io.rollingstock import read_train
from lrt.io.timetable import read_timetable
from lrt.paths import shipped_network, shipped_rolling_stock, shipped_timetable
from lrt.sim import Scenario, make_plan, simulate


def main() -> None:
    line, train = read_line(shipped_network()), read_train(shipped_rolling_stock())
    timetable = read_timetable(shipped_timetable("weekday"), line)
    model = read_demand_model(shipped_network() / "demand.toml", line)
    base = Scenario(line=line, train=train, timetable=timetable)
    plan_s = median_time(lambda: make_plan(base), 5)
    plan = make_plan(base)
    print(f"plan (running-time tables, close-in and terminal times), once per scenario: {plan_s * 1000:.0f} ms")
    print(f"{'passengers/day':>15} {'records':>8} {'simulate ms':>12} {'per 1,000 pax ms':>17}")
    figures = {}
    for daily in (0, 23_000, 46_000, 92_000, 184_000):
        scenario = Scenario(line=line, train=train, timetable=timetable,
                            demand=build_demand(line, model, daily=daily) if daily else None)
        result = simulate(scenario, 1, plan=plan)
        elapsed = median_time(lambda: simulate(scenario, 1, plan=plan), 7)
        figures[daily] = elapsed
        per = elapsed / (daily / 1000) * 1000 if daily else float("nan")
        print(f"{daily:>15,} {result.generated:>8,} {elapsed * 1000:>12.0f} {per:>17.2f}")
    print(f"92,000 costs {figures[92_000] / figures[23_000]:.2f} x 23,000 (limit 4.4); "
          f"trains alone {figures[0] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
