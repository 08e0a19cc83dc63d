"""Checks on the tables of a TOML document that several loaders share (on top of :class:`~lrt.io.files.Doc`)."""

from __future__ import annotations

from .files import Doc

__all__ = ["only_keys", "bounded"]


def only_keys(t: Doc, keys: tuple[str, ...]) -> None:
    """Refuse a key the table does not know: a misspelt key would otherwise pass unnoticed."""
    for key in t.data:
        if key not in keys:
            raise t.error(key, f"unknown key {key!r}", f"one of {', '.join(keys)}")


def bounded(t: Doc, key: str, dimension: str, low: float, high: float, expected: str, *,
            open_low: bool = False) -> float:
    """A quantity (SI) in [low, high], or (low, high] with ``open_low``; ``expected`` names the range."""
    value = t.quantity(key, dimension)
    if value > high or value < low or (open_low and value == low):
        raise t.error(key, f"{t.data[key]['value']} {t.data[key]['unit']}", expected)
    return value
