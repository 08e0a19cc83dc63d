"""lrt: operations simulator for the Astana light rail (LRT) line 1.

The layers, each importing only the ones above it::

    io (files) → network, rollingstock, conditions → runtime → headway → timetable → demand → sim → kpis
"""

__version__ = "0.1.0"
