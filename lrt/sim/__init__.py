"""The operations simulation (SimPy): trains as processes, passengers as arrays."""

from .controller import Controller, Regulation, StopContext
from .engine import Simulation, simulate
from .plan import Plan, make_plan
from .records import EVENT_COLUMNS, PASSENGER_COLUMNS, SimulationResult
from .scenario import Scenario, SimOptions

__all__ = ["simulate", "Simulation", "make_plan", "Plan", "Scenario", "SimOptions", "SimulationResult", "Controller",
           "Regulation", "StopContext", "EVENT_COLUMNS", "PASSENGER_COLUMNS"]
