"""Training: exercises with a trainee in the loop, above the simulation and the physics, below the CLI.

:mod:`lrt.training.cab` drives one train by hand under ATP (``kind = "drive"`` exercises).
"""
