"""Dwell time from boardings, alightings and crowding (Puong 2000), at the busiest door."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DwellModel", "puong_dwell"]


def puong_dwell(boarding: float, alighting: float, standees: float) -> float:
    """Puong (2000), MBTA Red Line, per door: ``12.22 + 2.27·B + 1.82·A + 6.2e-4·S³·B`` [s].

    Parameters
    ----------
    boarding, alighting : float
        Passengers boarding and alighting at the door [1].
    standees : float
        Through-standees per door [1] (crowding slows boarding only).
    """
    return 12.22 + 2.27 * boarding + 1.82 * alighting + 6.2e-4 * standees**3 * boarding


@dataclass(frozen=True, slots=True, kw_only=True)
class DwellModel:
    """How a stop's dwell is worked out.

    Parameters
    ----------
    doors : int
        Doors on the platform side [1].
    busiest_door_factor : float
        Passengers at the busiest door over the average per door [1] (boarding is uneven).
    min_dwell_s : float
        Door and platform-door cycle: open, minimum open, close, lock [s]; no dwell is shorter.
    seats : int
        Seated places; passengers beyond them stand [1].
    passenger_factor : float
        Multiplier on the per-passenger seconds (winter clothing: 1.1-1.2) [1].
    max_standees_per_door : float
        Puong's crowding term is cubic in the through-standees per door, fitted on MBTA cars; on this
        train (8 doors a side for 650 passengers) it would reach 60+ standees a door and minutes per
        boarder.  It is held at this value, where a crowded train boards at about 2.9 s a passenger at the
        busiest door (door flow falls above about 4/m², UCL PAMELA) [1] [E].
    """

    doors: int
    busiest_door_factor: float = 1.4
    min_dwell_s: float = 20.0
    seats: int = 0
    passenger_factor: float = 1.0
    max_standees_per_door: float = 10.0
    _per_door: float = field(init=False, repr=False, compare=False)  # passengers at the busiest door per passenger

    def __post_init__(self) -> None:
        object.__setattr__(self, "_per_door", self.busiest_door_factor / self.doors)

    def dwell_s(self, boarding: int, alighting: int, load_after_alighting: int) -> float:
        """Dwell at a stop [s]: Puong at the busiest door, never below the door cycle."""
        return self.at(alighting, load_after_alighting)(boarding)

    def at(self, alighting: int, load_after_alighting: int):
        """The dwell at one call as a function of the passengers boarding [s]."""
        per_door, factor, floor = self._per_door, self.passenger_factor, self.min_dwell_s
        alighting_s, crowding = self._terms(alighting, load_after_alighting)

        def dwell(boarding: int) -> float:
            b = boarding * per_door
            passengers = (12.22 + 2.27 * b + alighting_s + crowding * b - 12.22) * factor
            return floor if floor > 12.22 + passengers else 12.22 + passengers
        return dwell

    def _terms(self, alighting: int, load_after_alighting: int) -> tuple[float, float]:
        """Puong's terms at one call that do not depend on the boarders, at the busiest door: the alighting
        seconds, and the crowding seconds per boarder (the same sums in the same order as
        :func:`puong_dwell`, so the same numbers to the last bit; tests/test_dwell.py holds the two equal)."""
        standing = load_after_alighting - self.seats
        standees = standing / self.doors if standing > 0 else 0.0
        if standees > self.max_standees_per_door:
            standees = self.max_standees_per_door
        return 1.82 * (alighting * self._per_door), 6.2e-4 * standees**3

    def doors_close(self, opened: float, alighting: int, load_after_alighting: int, count, noise: float,
                    closing_s: float, extension_s: float) -> tuple[float, int]:
        """When the doors close at a call [s], and the passengers on by the time they opened [1].

        The dwell (:meth:`at`) on the passengers who board, those who reach the platform while the doors are
        open included (``count(t)``: boarded by t; those arriving once the closing sequence has begun,
        ``closing_s`` before the doors close, wait for the next train), times the call's noise factor, never
        below the door cycle; a dwell lengthened by late arrivals by at most ``extension_s``.  The engine asks
        this at every call: :meth:`at`'s dwell is written out here rather than called (the same sums in the
        same order; tests/test_dwell.py holds the two equal), and ``max``/``min`` as comparisons.
        """
        per_door, factor, floor = self._per_door, self.passenger_factor, self.min_dwell_s
        alighting_s, crowding = self._terms(alighting, load_after_alighting)
        on = count(opened)
        b = on * per_door
        dwell = 12.22 + (12.22 + 2.27 * b + alighting_s + crowding * b - 12.22) * factor
        d = (floor if floor > dwell else dwell) * noise
        t = opened + (d if d > floor else floor)
        limit = t + extension_s
        while t < limit:  # those who arrive while the doors are open board too, and lengthen the dwell
            since = t - closing_s
            b = count(since if since > opened else opened) * per_door
            dwell = 12.22 + (12.22 + 2.27 * b + alighting_s + crowding * b - 12.22) * factor
            d = (floor if floor > dwell else dwell) * noise
            later = opened + (d if d > floor else floor)
            if later <= t:
                break
            t = later if later < limit else limit
        return t, on
