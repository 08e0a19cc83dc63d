"""Training: exercises with a trainee in the loop, above the simulation and the physics, below the CLI.

:mod:`lrt.training.control` applies a control-room trainee's decisions (``kind = "control"`` exercises).
:mod:`lrt.training.cab` drives one train by hand under ATP (``kind = "drive"`` exercises).
"""
