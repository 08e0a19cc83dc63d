"""Timetables: the model (trips, train blocks), building one from a service pattern, and checking one."""

from .model import BlockEvent, Timetable, Trip

__all__ = ["Trip", "BlockEvent", "Timetable"]
