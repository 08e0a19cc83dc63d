"""The reproducibility block: command line, versions, seeds, the input files with their digests, and the
digest of every file of the run folder (so a copy can be checked against the original)."""

from __future__ import annotations

import shlex

from .html import Cell, esc, note, table

__all__ = ["reproducibility"]


def _command(record: dict) -> str:
    command = record.get("command")
    if isinstance(command, list):
        return shlex.join(str(c) for c in command)
    return str(command) if command else ""


def _inputs(record: dict) -> list[tuple[str, str, str]]:
    """(role, path, SHA-256) of every input file the run records, in the forms simulate, compare, batch and
    exercise runs write them."""
    out = []
    files = record.get("input_files")
    if isinstance(files, dict):
        for role, f in files.items():
            out.append((role, str(f.get("path", "")), str(f.get("sha256", ""))))
    if isinstance(record.get("inputs"), dict):  # {role: digest}, the scenario by its path
        for role, value in record["inputs"].items():
            if isinstance(files, dict) and role in files:
                continue
            value = str(value)
            is_digest = len(value) == 64 and all(c in "0123456789abcdef" for c in value)
            out.append((role, "" if is_digest else value, value if is_digest else ""))
    for key in ("sweep", "scenario"):
        if record.get(f"{key}_digest"):
            out.append((key, str(record.get(key, "")), str(record[f"{key}_digest"])))
    return out


def _seeds(kind: str, record: dict, rows=None) -> str:
    if kind == "batch":
        return (f"base seed {record.get('seed', 'n/a')}; each run's seed is in its row of results.csv "
                "(numpy SeedSequence(seed).spawn(n), the same at every grid point)")
    if kind == "comparison":
        seeds = record.get("seeds") or []
        return f"base seed {record.get('base_seed', 'n/a')}; run seeds {', '.join(str(s) for s in seeds)}"
    return str(record.get("seed", "n/a"))


def reproducibility(folder, record: dict | None, source: str) -> str:
    """The block for ``folder``, from ``record`` (run.json, or compare.json for a comparison) named ``source``."""
    if record is None:
        return note(f"Not recorded: {folder.why_missing(source)}.") + _folder_files(folder)
    versions = record.get("versions") or {}
    version = record.get("lrt_version") or versions.get("lrt") or "not recorded"
    rows = [("command line", Cell(f"<code>{esc(_command(record) or 'not recorded')}</code>", html=True)),
            ("lrt version", version),
            ("seeds", _seeds(folder.kind, record))]
    if versions:
        rows.append(("versions", ", ".join(f"{k} {v}" for k, v in versions.items())))
    for key, label in (("elapsed_s", "wall time [s]"), ("executor", "executor"), ("workers", "workers"),
                       ("runs", "runs"), ("failed", "failed runs"), ("stopping_rule", "stopping rule"),
                       ("service", "service"), ("timetable", "timetable"), ("daily", "passengers a day")):
        if record.get(key) not in (None, ""):
            value = record[key]
            rows.append((label, f"{value:.2f}" if isinstance(value, float) and key == "elapsed_s" else str(value)))
    out = [table(["", ""], rows, sortable=False, css="text", caption=f"From {source}")]
    inputs = _inputs(record)
    if inputs:
        out.append(table(["input", "path", "SHA-256"], inputs, css="text",
                         caption="The input files (a folder's digest covers every file in it, by name)"))
    else:
        out.append(note(f"{source} records no input file digests (a run written before they were recorded)."))
    return "".join(out) + _folder_files(folder)


def _folder_files(folder) -> str:
    files = folder.digests()
    return table(["file in the run folder", "bytes", "SHA-256"],
                 [(name, Cell(f"{size:,}", float(size)), digest) for name, size, digest in files], css="text",
                 caption="The folder this report was made from")
