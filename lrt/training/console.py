"""The control-room console: the state of the line at each decision point, and the trainee's commands.

Typed one per line (``help`` lists them); an empty line or ``go`` carries on to the next decision point.
The instructor's commands (``step``, ``fault``, ``state``, ``quit``) are typed at the same prompt.  The
tables are drawn with Rich; the console reads lines from any text stream, so a pseudo-terminal in the
tests drives it as a person would.
"""

from __future__ import annotations

import shlex

from ..io.decisions import Decision
from ..units import format_clock, parse_clock
from .control import Refused

__all__ = ["Console", "parse_command", "HELP"]

HELP = """\
decisions (each takes effect through the control room; one the line cannot do is refused with the reason):
  hold TRAIN SECONDS            hold a train at its station (or the next one) for so many seconds
  hold TRAIN headway SECONDS    hold it until so many seconds after the train before it left there
  turn TRAIN STATION            turn a train back short at a station with a crossover
  skip TRAIN STATION...         a train runs through these stations
  spare [ROUND_TRIPS]           a spare train from the depot (default 1 round trip)
  withdraw TRAIN                withdraw a train at its next station
  reduce TRAINS                 keep at most so many trains in service (even headways)
  restrict A B KMH [until HH:MM]  a speed restriction between two neighbouring stations
  rm A B                        authorise restricted manual through a section whose signalling failed
  nothing                       (or an empty line, or go) carry on to the next decision point
instructor:
  state                         show the line again
  step MINUTES                  run so many minutes and stop again
  fault door TRAIN STATION SECONDS | fault train TRAIN SECONDS | fault switch STATION SECONDS
        | fault power A B SECONDS   inject a fault now
  quit                          end the exercise here (the decision log so far is kept)
stations are codes (113) or names in quotes ("House of Ministries")"""


class Quit(Exception):
    """The instructor ended the exercise."""


def parse_command(text: str, stop: int, line) -> tuple[str, object]:
    """One typed line -> ("decision", Decision) | ("go", None) | ("state", None) | ("help", None)
    | ("step", Decision) | ("fault", Decision) | ("quit", None) (the instructor's entries are Decisions too,
    so that the decision log replays them); ValueError with a hint for anything else."""
    words = shlex.split(text)
    if not words or words[0] in ("go", "nothing", "continue"):
        return ("go", None) if not words or words[0] != "nothing" else ("decision", Decision(point=stop, action="nothing"))
    cmd, args = words[0].lower(), words[1:]

    def station(word):
        try:
            return line.station(int(word) if word.isdigit() else word).code
        except KeyError:
            raise ValueError(f"unknown station {word!r}") from None

    def number(word, what):
        try:
            return float(word)
        except ValueError:
            raise ValueError(f"{what}: {word!r} is not a number") from None

    try:
        if cmd in ("help", "?"):
            return ("help", None)
        if cmd == "state":
            return ("state", None)
        if cmd == "quit":
            return ("quit", None)
        if cmd == "step":
            return ("step", Decision(point=stop, action="step", minutes=number(args[0], "minutes")))
        if cmd == "hold" and len(args) == 3 and args[1] == "headway":
            return ("decision", Decision(point=stop, action="hold", train=args[0], headway_s=number(args[2], "headway")))
        if cmd == "hold" and len(args) == 2:
            return ("decision", Decision(point=stop, action="hold", train=args[0], seconds=number(args[1], "seconds")))
        if cmd in ("turn", "short-turn", "short_turn") and len(args) == 2:
            return ("decision", Decision(point=stop, action="short_turn", train=args[0], station=station(args[1])))
        if cmd == "skip" and len(args) >= 2:
            return ("decision", Decision(point=stop, action="skip", train=args[0],
                                         stations=tuple(station(w) for w in args[1:])))
        if cmd == "spare" and len(args) <= 1:
            return ("decision", Decision(point=stop, action="spare", trains=int(number(args[0], "round trips"))
                                         if args else None))
        if cmd == "withdraw" and len(args) == 1:
            return ("decision", Decision(point=stop, action="withdraw", train=args[0]))
        if cmd == "reduce" and len(args) == 1:
            return ("decision", Decision(point=stop, action="reduce", trains=int(number(args[0], "trains"))))
        if cmd == "restrict" and len(args) in (3, 5):
            until = parse_clock(args[4]) if len(args) == 5 and args[3] == "until" else None
            return ("decision", Decision(point=stop, action="restrict", section=(station(args[0]), station(args[1])),
                                         limit_kmh=number(args[2], "limit"), until_s=until))
        if cmd in ("rm", "authorise", "authorize") and len(args) == 2:
            return ("decision", Decision(point=stop, action="authorise_rm", section=(station(args[0]), station(args[1]))))
        if cmd == "fault":
            return ("fault", _fault(stop, args, station, number))
    except (IndexError, ValueError) as exc:
        raise ValueError(f"{text!r}: {exc}" if str(exc) else f"{text!r}: incomplete") from None
    raise ValueError(f"{text!r} is not a command (type help)")


def _fault(stop, args, station, number) -> Decision:
    """``fault ...`` typed at the prompt: the instructor's entry for the log."""
    kind = args[0]

    def entry(kind, **fields):
        return Decision(point=stop, action="fault", fault=kind, **fields)

    if kind == "door":
        return entry("door", train=args[1], station=station(args[2]), seconds=number(args[3], "seconds"))
    if kind == "train":
        return entry("train", train=args[1], seconds=number(args[2], "seconds"))
    if kind == "switch":
        return entry("switch", station=station(args[1]), seconds=number(args[2], "seconds"))
    if kind == "power":
        return entry("power_rail", section=(station(args[1]), station(args[2])), seconds=number(args[3], "seconds"))
    raise ValueError(f"unknown fault {kind!r} (door, train, switch or power)")


class Console:
    """Ask a person at each stop: show the state, read commands until ``go``."""

    def __init__(self, read=input, console=None) -> None:
        from rich.console import Console as RichConsole

        self.read = read
        self.out = console or RichConsole(highlight=False)

    def __call__(self, run, stop, n: int) -> None:
        line = run.sim.s.line
        self.out.rule(f"decision point {n}: {format_clock(stop.time_s)}")
        self.out.print(f"[bold]{stop.why}[/bold]")
        if stop.point is not None and stop.point.prompt:
            self.out.print(stop.point.prompt)
        self.show(run)
        while True:
            try:
                text = self.read(f"[{format_clock(run.sim.now)[:5]}] decision> ")
            except EOFError:
                raise Quit() from None
            try:
                kind, value = parse_command(text, n, line)
            except ValueError as exc:
                self.out.print(f"[red]{exc}[/red]")
                continue
            if kind == "go":
                return
            if kind == "help":
                self.out.print(HELP, markup=False)
            elif kind == "state":
                self.show(run)
            elif kind == "quit":
                raise Quit()
            elif kind == "step":
                run.instruct(value)
                return
            elif kind == "fault":
                run.instruct(value)
                self.out.print(f"fault injected: {value.fault} from {format_clock(run.sim.now)}")
            else:
                try:
                    self.out.print(f"[green]done:[/green] {run.decide(value)}")
                except Refused as exc:
                    self.out.print(f"[red]refused:[/red] {exc}; choose again")

    def show(self, run) -> None:
        from rich.table import Table

        state = run.sim.state()
        line = run.sim.s.line

        def name(code):
            return line.station(code).name_en if code is not None else ""

        trains = Table(title="trains in service", show_lines=False)
        for col in ("train", "trip", "dir", "where", "load", "delay min"):
            trains.add_column(col, justify="right" if col in ("load", "delay min") else "left")
        for t in state["trains"]:
            train = run.sim.states[t["train"]]
            if not train.out:
                continue  # in the depot between its trips (spare trains are counted below)
            # Simulation.state() keeps the last station of a train running between stations; a train whose next
            # station is not where it stands is on its way there
            running = train.next_code is not None and train.next_code != t["at"]
            where = f"to {name(train.next_code)}" if running or t["at"] is None else f"at {name(t['at'])}"
            delay = "" if t["delay_s"] is None else f"{t['delay_s'] / 60:.1f}"
            trains.add_row(t["train"], t["trip"], t["direction"], where + (" (held)" if t["held"] else ""),
                           str(t["load"]), delay)
        self.out.print(trains)
        crowds = Table(title="waiting on the platforms (over 50)")
        for col in ("station", "towards Nurly Zhol", "towards the Airport"):
            crowds.add_column(col, justify="left" if col == "station" else "right")
        for code in line.codes:
            up, down = state["waiting"][(code, "up")], state["waiting"][(code, "down")]
            if up > 50 or down > 50:
                crowds.add_row(f"{name(code)} ({code})", str(up), str(down))
        self.out.print(crowds)
        if state["faults"]:
            for f in state["faults"]:
                self.out.print(f"[yellow]fault in force:[/yellow] {f['description']}: {f['response']}")
        self.out.print(f"spare trains fit for service: {state['reserves']}")
