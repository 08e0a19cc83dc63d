"""The sections of a control-room exercise's debrief folder: score tiles and chart, the debrief itself (its
Markdown, with the folder's Marey diagram embedded) and the decision log."""

from __future__ import annotations

import base64

from .charts import chart
from .html import Page, esc, note, tiles

__all__ = ["exercise_sections"]


def exercise_sections(folder, page: Page) -> None:
    from .markdown import markdown_html

    score = folder.json("score.json")
    if score is None:
        page.add("overview", "Overview", note(f"No score: {folder.why_missing('score.json')}."))
        page.add("score", "Score", note(f"Not drawn: {folder.why_missing('score.json')}."))
    else:
        ref = score.get("reference_total")
        items = [{"kpi": "score", "label": "score [points]", "value": f"{score.get('total', 0):,.1f}",
                  "status": "none" if ref is None else "green" if score.get("total", 0) >= ref - 1e-9 else "amber",
                  "rule": "" if ref is None else f"the reference solution scores {ref:,.1f}",
                  "reason": "green: at least the reference solution's score; amber: below it"},
                 {"kpi": "decisions", "label": "decisions taken", "value": str(score.get("decisions", "n/a")),
                  "status": "none", "rule": f"{score.get('refused', 0)} refused"},
                 {"kpi": "violations", "label": "rules broken", "value": str(len(score.get("violations") or [])),
                  "status": "green" if not score.get("violations") else "red", "rule": "none is the target"}]
        page.add("overview", "Overview", tiles(items),
                 "The score is what the decisions saved against the same day with no decision (docs/exercises.md).")
        refs = {i["item"]: i["points"] for i in score.get("reference_items") or []}
        bars = [(f"{i['item']} ({i['unit']})", i["points"], refs.get(i["item"])) for i in score.get("items", [])]
        page.add("score", "Score", chart("score", "score", bars,
                 caption="Points per rubric item: weight × what was saved against doing nothing.") if bars else
                 note("score.json lists no rubric item."))
    text = folder.text("debrief.md")
    if text is None:
        page.add("debrief", "Debrief", note(f"No debrief: {folder.why_missing('debrief.md')}."))
    else:
        png = folder.bytes("marey.png")
        images = {"marey.png": "data:image/png;base64," + base64.b64encode(png).decode("ascii")} if png else {}
        page.add("debrief", "Debrief", f'<div class="debrief">{markdown_html(text, images, level_offset=2)}</div>')
    log = folder.text("decisions.toml")
    page.add("decisions", "Decision log", f"<pre>{esc(log)}</pre>" if log is not None else
             note(f"No decision log: {folder.why_missing('decisions.toml')}."),
             "Replay it exactly: lrt exercise run ID --decisions decisions.toml.")
