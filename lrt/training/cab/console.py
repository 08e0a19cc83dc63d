"""The live cab in a terminal (curses, from the standard library): the displays and the keys.

The drive runs on its fixed step (:class:`~lrt.training.cab.drive.Session`) paced by the wall clock times
``clock_rate``; keys apply at the start of the next step and go to the control log, so the log replays the
drive exactly (``lrt exercise drive ID --plan LOG``).  Pausing or changing the clock rate does not change
the drive, only how fast it is shown.
"""

from __future__ import annotations

import time

from ...units import KMH
from .controls import EMERGENCY, LEVER, TRACTION_NOTCHES, lever_name
from .drive import DriveResult, Session
from .spec import DriveSpec

__all__ = ["drive_live", "KEYS", "key_action"]

KEYS = (
    ("↑ w", "lever towards traction"), ("↓ s", "lever towards braking"), ("c", "coast"),
    ("space", "emergency brake"), ("d", "doors"), ("a", "ask for RM authorisation"), ("x", "reset EB"),
    ("1 2 3", "mode ATO PM RM"), ("p", "pause"), ("+ -", "clock rate"), ("q", "quit"),
)
"""The keys, as the help line shows them."""
MAX_STEPS_PER_FRAME = 200
"""Steps run between two screen updates at most (the clock falls behind rather than freeze the screen)."""


def key_action(key: int, lever: int) -> str | None:
    """The control a key gives with the lever at ``lever`` (None: not a control)."""
    import curses

    ch = chr(key) if 0 <= key < 256 else ""
    if key == curses.KEY_UP or ch == "w":
        return lever_name(min(max(lever, EMERGENCY + 1) + 1, TRACTION_NOTCHES))
    if key == curses.KEY_DOWN or ch == "s":
        return lever_name(max(lever - 1, EMERGENCY + 1))
    return {"c": "C", " ": "EB", "d": "doors", "a": "request", "x": "reset", "1": "mode ATO", "2": "mode PM",
            "3": "mode RM", "q": "end"}.get(ch)


def drive_live(spec: DriveSpec, title: str, *, clock_rate: float = 1.0) -> tuple[DriveResult, bool]:
    """Drive ``spec`` in the terminal; return the drive and whether it was interrupted (Ctrl-C).

    An interrupted drive is ended with the ``end`` control, so that its log replays it too.
    """
    import curses

    from ...errors import InputError

    try:
        curses.setupterm()
    except curses.error as exc:
        raise InputError("TERM", "environment", f"a terminal curses cannot drive ({exc})",
                         "a terminal such as xterm, or --plan FILE to drive headless") from None
    session = Session(spec)
    interrupted = False
    try:
        curses.wrapper(_run, session, title, clock_rate)
    except KeyboardInterrupt:
        interrupted = True
    if not session.done:
        session.give("end")
    return session.result(), interrupted


def _run(scr, session: Session, title: str, rate: float) -> None:
    import curses

    try:
        curses.curs_set(0)
    except curses.error:
        pass  # a terminal that cannot hide the cursor
    scr.nodelay(True)
    scr.keypad(True)
    dt = session.spec.step_s
    paused, owed, last = False, 0.0, time.monotonic()
    while not session.done:
        while (key := scr.getch()) != -1:
            ch = chr(key) if 0 <= key < 256 else ""
            if ch == "p":
                paused = not paused
            elif ch in "+=" and ch:
                rate = min(rate * 2.0, 16.0)
            elif ch == "-":
                rate = max(rate / 2.0, 0.25)
            elif (action := key_action(key, session.lever)) is not None:
                session.give(action)
        now = time.monotonic()
        if not paused:
            owed += (now - last) * rate
        last = now
        steps = min(int(owed / dt + 1e-9), MAX_STEPS_PER_FRAME)
        for _ in range(steps):
            session.step()
            if session.done:
                break
        owed = max(owed - steps * dt, 0.0) if steps < MAX_STEPS_PER_FRAME else 0.0
        _draw(scr, session, title, rate, paused)
        curses.napms(25)
    _draw(scr, session, title, rate, paused)
    _put(scr, 23, 0, f"drive ended: {session.outcome}. Press a key (or wait) for the score.", curses.A_BOLD)
    scr.refresh()
    scr.nodelay(False)
    scr.timeout(4000)
    scr.getch()


def _put(scr, y: int, x: int, text: str, attr: int = 0) -> None:
    import curses

    h, w = scr.getmaxyx()
    if y < h - 1 and x < w:
        try:
            scr.addstr(y, x, text[: max(w - x - 1, 0)], attr)
        except curses.error:
            pass  # the terminal is smaller than the cab


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600 % 100:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def _draw(scr, session: Session, title: str, rate: float, paused: bool) -> None:
    import curses

    st = session.status()
    scr.erase()
    state = "PAUSED" if paused else "running"
    _put(scr, 0, 0, f"lrt cab - {title}", curses.A_BOLD)
    _put(scr, 1, 0, f"clock {_clock(st['clock_s'])}   drive {st['time_s']:6.1f} s   x{rate:g} {state}")
    auth = "authorised" if st["authorised"] else "not authorised"
    _put(scr, 3, 0, f"mode {st['mode']:<4} CBTC {'working' if st['cbtc'] else 'FAILED'}   RM {auth}")
    _put(scr, 5, 0, f"speed      {st['speed_ms'] / KMH:6.1f} km/h", curses.A_BOLD)
    _put(scr, 6, 0, f"limit      {st['limit_ms'] / KMH:6.1f} km/h   target {st['permitted_ms'] / KMH:6.1f} km/h")
    _put(scr, 7, 0, f"to the stop mark {st['to_go_m']:9.2f} m")
    _put(scr, 8, 0, f"gradient   {st['gradient_permille']:+5.1f} permille, 200 m ahead "
                    f"{st['gradient_ahead_permille']:+5.1f}")
    lever = "  ".join(f"[{p}]" if p == st["lever"] else p for p in LEVER)
    _put(scr, 10, 0, f"lever {st['lever']:<3} {lever}")
    alarms = []
    if st["emergency"]:
        alarms.append("EMERGENCY BRAKE")
    if st["warning"]:
        alarms.append("OVERSPEED")
    _put(scr, 11, 0, "  ".join(alarms), curses.A_REVERSE if alarms else 0)
    for i, e in enumerate(session.events[-6:]):
        _put(scr, 13 + i, 0, f"{e.time_s:7.1f} s  {e.text}")
    half = len(KEYS) // 2
    _put(scr, 20, 0, "  ".join(f"{k}: {what}" for k, what in KEYS[:half]))
    _put(scr, 21, 0, "  ".join(f"{k}: {what}" for k, what in KEYS[half:]))
    scr.refresh()
