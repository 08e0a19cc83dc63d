"""A platform track of an intermediate station: one train at a time, in the order the trains left the
station before it (nothing overtakes under moving block).

A train *claims* its turn on the track when it leaves the station before (:meth:`Track.claim`), and its
turn begins when the train ahead has *released* the track (left the platform).  The time form of the
moving-block separation (TCQSM close-in) then gives its arrival: no sooner than the close-in time after
the release.  A lighter form of ``simpy.Resource`` for the commonest call: no event when the train
ahead has already gone.
"""

from __future__ import annotations

__all__ = ["Track", "Turn"]


class Turn:
    """One train's turn on a track: who, the turn before it, and when it was released (None: not yet)."""

    __slots__ = ("block", "ahead", "released_s", "waiters")

    def __init__(self, block: str, ahead: "Turn | None") -> None:
        self.block = block
        self.ahead = ahead
        self.released_s: float | None = None
        self.waiters = None  # a SimPy event, made when the train behind must wait for this release

    def release(self, now: float) -> None:
        self.released_s = now
        self.ahead = None  # the chain behind does not keep the whole day alive
        if self.waiters is not None:
            self.waiters.succeed()


class Track:
    """A platform track used in turn (see the module docstring)."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: Turn | None = None

    def claim(self, block: str) -> Turn:
        """A new turn after every turn claimed so far."""
        self.last = turn = Turn(block, self.last)
        return turn
