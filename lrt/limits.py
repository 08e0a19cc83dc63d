"""The limits lrt sets on what it reads, in one place (docs/robustness.md explains each one).

An input outside these limits is refused with an :class:`~lrt.errors.InputError` before any work:
a limit protects the machine (memory, time) and catches typing slips (``--daily 920000000``).
"""

from __future__ import annotations

__all__ = [
    "SERVICE_DAY_END_S",
    "MAX_DAILY_PASSENGERS",
    "MAX_SEED",
    "MAX_SEEDS",
    "MAX_TEXT_FILE_BYTES",
    "GTFS_MAX_FEED_BYTES",
    "GTFS_MAX_MEMBER_BYTES",
    "GTFS_MAX_RATIO",
    "GTFS_RATIO_FROM_BYTES",
]

SERVICE_DAY_END_S = 30 * 3600.0
"""Latest time of day in any input [s]: 30:00:00, 06:00 the next morning.

Times count from the start of the service day and may pass 24:00:00 (GTFS does the same); the last
trains of a day that starts at 05:00 end well before 30:00, and no time may be negative.
"""

MAX_DAILY_PASSENGERS = 2_000_000
"""Most passengers a day [1]: over twenty times the shipped 92,000 (a slip such as 92000000 is caught)."""

MAX_SEED = 2**32 - 1
"""Largest random seed: the range of a 32-bit unsigned integer, as most tools print and accept."""

MAX_SEEDS = 1000
"""Most simulated days per preset in ``lrt compare`` (each costs about half a second)."""

MAX_TEXT_FILE_BYTES = 64 * 2**20
"""Largest CSV or TOML input file [bytes]: 64 MiB, a hundred times a year's measured OD table."""

GTFS_MAX_FEED_BYTES = 256 * 2**20
"""Largest GTFS zip [bytes]: 256 MiB on disk (its directory of members is read whole)."""

GTFS_MAX_MEMBER_BYTES = 32 * 2**20
"""Largest file read from a GTFS feed, uncompressed [bytes]: 32 MiB.

A feed must be cut down to this line first; the whole line's ``stop_times.txt`` for a weekday is
about 250 kB, so 32 MiB holds more than a hundred service days.
"""

GTFS_MAX_RATIO = 100
"""Largest compression ratio (uncompressed / compressed) of a GTFS member above ``GTFS_RATIO_FROM_BYTES``.

Timetable text compresses 5 to 20 times with deflate; a member that claims more than 100 is a
decompression bomb (a few MB that grow to gigabytes) and is refused before it is read.
"""

GTFS_RATIO_FROM_BYTES = 2**20
"""Members smaller than this (1 MiB uncompressed) are not held to the ratio: a tiny file may compress well."""
