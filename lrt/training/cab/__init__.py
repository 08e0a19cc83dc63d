"""The driver's cab: one train driven by hand under ATP, for ``kind = "drive"`` exercises (docs/driving.md).

Modules, in the order data flows: :mod:`~.controls` (the lever, the controls, a plan), :mod:`~.spec` (a
drive as validated data), :mod:`~.route` (the track ahead), :mod:`~.dynamics` (the train on runtime's
force functions), :mod:`~.atp` (modes and supervision), :mod:`~.ato` (the automatic driver),
:mod:`~.stop` (stop accuracy), :mod:`~.drive` (a drive step by step; the headless drive of a plan),
:mod:`~.score` (the rubric), :mod:`~.console` (the live cab in a terminal).  Nothing is imported here, so
that reading a plan does not load numpy or curses.
"""
