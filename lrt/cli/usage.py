"""argparse's usage errors as one ``error:`` line in the form every refusal takes.

argparse reports a bad command line with a message such as ``argument --day: invalid choice:
'sunday' (choose from 'weekday', 'weekend')``; :func:`usage_error` turns it into::

    error: --day: command line: 'sunday', expected one of weekday, weekend

Messages argparse does not document stay readable through the last, general case.
"""

from __future__ import annotations

import argparse
import re

from ..errors import InputError

__all__ = ["usage_error", "unrecognized"]

_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<message>.*)", re.S)
_CHOICE = re.compile(r"invalid choice: (?P<value>.*?) \(choose from", re.S)
_TYPE = re.compile(r"invalid (?P<type>\w+) value: (?P<value>.*)", re.S)
_AMBIGUOUS = re.compile(r"ambiguous option: (?P<option>\S+?) could match (?P<matches>.*)", re.S)


def usage_error(parser: argparse.ArgumentParser, message: str) -> InputError:
    """The InputError for argparse's ``message`` raised while ``parser`` read the command line."""
    see = f"see {parser.prog} --help"
    if message.startswith("unrecognized arguments: "):
        return unrecognized(parser.prog, message.split(": ", 1)[1].split(" "))
    if message.startswith("the following arguments are required: "):
        names = message.split(": ", 1)[1].split(", ")
        return InputError(_label(names[0]), "command line", "missing", _wanted(parser, names[0]))
    if m := _AMBIGUOUS.match(message):
        return InputError(_label(m["option"]), "command line", "an abbreviation of several options",
                          f"one of {m['matches']}")
    if m := _ARGUMENT.match(message):
        name, detail = m["name"], m["message"]
        if c := _CHOICE.match(detail):
            return InputError(_label(name), "command line", c["value"], _wanted(parser, name))
        if t := _TYPE.match(detail):
            kind = {"int": "a whole number", "float": "a number"}.get(t["type"], f"a {t['type']}")
            return InputError(_label(name), "command line", t["value"], kind)
        if detail.startswith("expected") and "argument" in detail:
            return InputError(_label(name), "command line", "no value",
                              f"a value after it ({_metavar(parser, name)}; one that starts with - is written "
                              f"{name.split('/')[-1]}=VALUE)")
        if detail.startswith("ignored explicit argument"):
            return InputError(_label(name), "command line", detail.split("argument ", 1)[1], "no value (a switch)")
        return InputError(_label(name), "command line", detail, f"a valid value ({see})")
    return InputError(_label(parser.prog.split()[-1]), "command line", message, f"a valid command line ({see})")


def unrecognized(prog: str, extras: list[str]) -> InputError:
    """The error for arguments no option of ``prog`` (``lrt simulate``) takes."""
    first = extras[0]
    found = "an unknown option" if first.startswith("-") else f"an unexpected argument {first!r}"
    return InputError(_label(first.split("=")[0]), "command line", found, f"an option that {prog} --help lists")


def _label(name: str) -> str:
    """An option or argument name fit for the first part of the line (no colon, not too long)."""
    name = name.strip() or "argument"
    return name if ":" not in name and "\n" not in name and len(name) <= 40 else "argument"


def _action(parser: argparse.ArgumentParser, name: str) -> argparse.Action | None:
    for action in parser._actions:  # argparse keeps no public index of its actions
        if name in action.option_strings or name in ("/".join(action.option_strings), action.metavar, action.dest):
            return action
    return None


def _metavar(parser: argparse.ArgumentParser, name: str) -> str:
    action = _action(parser, name)
    return (action.metavar or action.dest.upper()) if action is not None else "see --help"


def _wanted(parser: argparse.ArgumentParser, name: str) -> str:
    """What ``name`` accepts: its choices, else its metavar and help text."""
    action = _action(parser, name)
    if action is None:
        return f"a value (see {parser.prog} --help)"
    if action.choices:
        return f"one of {', '.join(map(str, action.choices))}"
    text = (action.help or "").replace("%%", "%")
    return f"{action.metavar or action.dest.upper()}" + (f" ({text})" if text else "")
