"""Speed of a headless drive (lrt exercise drive --plan): prints the time a step and a drive take."""

from __future__ import annotations

import time

from lrt.io.drive import read_drive
from lrt.io.exercise import read_exercise
from lrt.io.plan import read_plan
from lrt.paths import shipped
from lrt.training.cab.drive import drive_plan
from lrt.training.cab.score import measure


def main() -> None:
    for exercise_id in ("icy-stop-baiterek", "rm-cbtc-failure-snow", "esil-bridge-approach"):
        exercise = read_exercise(shipped("exercises", exercise_id))
        spec = read_drive(exercise)
        plan = read_plan(exercise.reference)
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            result = drive_plan(spec, plan)
            measure(result, spec)
            best = min(best, time.perf_counter() - t0)
        steps = len(result.trace)
        print(f"{exercise_id:<22} {steps:5d} steps  {best * 1000:6.1f} ms  {best / steps * 1e6:5.1f} µs a step")


if __name__ == "__main__":
    main()
