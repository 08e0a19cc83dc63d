"""One self-contained HTML page: inline CSS, inline SVG charts, a few lines of script to sort tables.

Nothing is fetched: a Content-Security-Policy in the page forbids every load but inline styles, the
inline script and ``data:`` images, so a browser enforces what the tests check.  Every text that comes
from a run folder is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = ["Section", "Cell", "page", "table", "tiles", "note", "figure_block", "number", "esc"]


def esc(text) -> str:
    return escape(str(text), quote=True)


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the page: ``id`` (its anchor), ``title`` (its heading) and ``body`` (HTML)."""

    id: str
    title: str
    body: str
    intro: str = ""


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: the text shown and, for sorting, its number (None sorts as text)."""

    text: str
    value: float | None = None
    css: str = ""
    html: bool = False  # ``text`` is markup already


def number(value, digits: int = 1, unit: str = "") -> Cell:
    """A numeric cell with thousands separators; None and NaN show as n/a."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return Cell("n/a")
    text = f"{value:,.{digits}f}" + (f" {unit}" if unit else "")
    return Cell(text, float(value))


def table(header: Sequence[str], rows: Iterable[Sequence], *, sortable: bool = True, caption: str = "",
          css: str = "") -> str:
    """A table; a cell is a :class:`Cell`, a number (sorted as one) or text."""
    out = [f'<div class="scroll"><table class="{"sortable " if sortable else ""}{css}">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    focus = ' tabindex="0"' if sortable else ""
    heads = "".join(f'<th scope="col"{focus}>{esc(h)}</th>' for h in header)
    out.append(f"<thead><tr>{heads}</tr></thead><tbody>")
    for row in rows:
        cells = []
        for c in row:
            if not isinstance(c, Cell):
                c = number(c, 0 if isinstance(c, int) else 2) if isinstance(c, (int, float)) and not \
                    isinstance(c, bool) else Cell("" if c is None else str(c))
            attrs = f' data-v="{c.value!r}"' if c.value is not None else ""
            attrs += f' class="{c.css}"' if c.css else ""
            cells.append(f"<td{attrs}>{c.text if c.html else esc(c.text)}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def tiles(items: Sequence[dict]) -> str:
    """KPI tiles: each ``{"kpi", "label", "value" (text), "status" (green|amber|red|none), "rule", "reason"}``."""
    out = ['<div class="tiles">']
    for t in items:
        word = {"green": "within target", "amber": "watch", "red": "beyond limit", "none": "no threshold"}[t["status"]]
        out.append(f'<div class="tile {t["status"]}" data-kpi="{esc(t["kpi"])}" data-status="{t["status"]}" '
                   f'title="{esc(t.get("reason", ""))}"><div class="label">{esc(t["label"])}</div>'
                   f'<div class="value">{esc(t["value"])}</div><div class="rule">{esc(word)}'
                   f'{": " + esc(t["rule"]) if t.get("rule") else ""}</div></div>')
    out.append("</div>")
    return "".join(out)


def note(text: str, kind: str = "missing") -> str:
    """A paragraph that says what a section could not show (``kind`` missing) or how to read it (info)."""
    return f'<p class="note {kind}">{esc(text)}</p>'


def figure_block(svg: str, caption: str, *, wide: bool = False) -> str:
    """An inline SVG chart with its caption; ``wide`` charts keep their size and scroll sideways."""
    return (f'<figure class="{"wide" if wide else "chart"}"><div class="scroll">{svg}</div>'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


_CSS = """
:root{--green:#1a7f37;--amber:#b7791f;--red:#c0392b;--grey:#6b7280;font-family:system-ui,-apple-system,"Segoe UI",
Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#fff}
body{margin:0;line-height:1.45}
header{background:#1f4e79;color:#fff;padding:1rem 1.5rem}
header h1{margin:0 0 .25rem;font-size:1.45rem}
header p{margin:.1rem 0;opacity:.9}
nav{padding:.5rem 1.5rem;background:#eef3f8;border-bottom:1px solid #d0d7de;position:sticky;top:0;z-index:1}
nav a{margin-right:1rem;color:#1f4e79;text-decoration:none;font-size:.9rem}
main{padding:0 1.5rem 2rem;max-width:1400px}
section{border-bottom:1px solid #e5e7eb;padding:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1rem 0 .5rem}
h3{font-size:1.02rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.6rem}
.tile{border-radius:6px;padding:.55rem .7rem;border-left:6px solid var(--grey);background:#f6f8fa}
.tile.green{border-color:var(--green);background:#e9f7ef}.tile.amber{border-color:var(--amber);background:#fdf5e6}
.tile.red{border-color:var(--red);background:#fdecea}
.tile .label{font-size:.8rem;color:#444}.tile .value{font-size:1.35rem;font-weight:600}
.tile .rule{font-size:.72rem;color:#555}
td.green{background:#e9f7ef}td.amber{background:#fdf5e6}td.red{background:#fdecea}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.84rem;margin:.4rem 0}
th,td{border:1px solid #d0d7de;padding:.2rem .45rem;text-align:right;white-space:nowrap}
th{background:#f3f4f6}td:first-child,th:first-child{text-align:left}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
table.text td{text-align:left;white-space:normal}
figure{margin:.6rem 0}figure svg{height:auto}figure.chart svg{max-width:100%}
figcaption{font-size:.8rem;color:#555}
.note{padding:.4rem .6rem;border-radius:4px;font-size:.88rem}
.note.missing{background:#fff8e1;border:1px solid #f0d58c}.note.info{background:#f3f4f6}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.82rem}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto}
.debrief img{max-width:100%}
"""

_SCRIPT = """
(function(){
  function key(td){var v=td.getAttribute('data-v');return v===null?null:parseFloat(v);}
  document.querySelectorAll('table.sortable').forEach(function(t){
    t.querySelectorAll('thead th').forEach(function(th,i){
      function sort(){
        var asc=th.getAttribute('aria-sort')!=='ascending';
        t.querySelectorAll('thead th').forEach(function(h){h.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){
          var x=a.cells[i],y=b.cells[i];if(!x||!y)return 0;
          var p=key(x),q=key(y),r;
          if(p!==null&&q!==null&&!isNaN(p)&&!isNaN(q))r=p-q;
          else if(p!==null&&!isNaN(p))r=-1;else if(q!==null&&!isNaN(q))r=1;
          else r=x.textContent.localeCompare(y.textContent);
          return asc?r:-r;});
        rows.forEach(function(r){body.appendChild(r);});
      }
      th.addEventListener('click',sort);
      th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort();}});
    });
  });
})();
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def page(title: str, subtitle: Sequence[str], sections: Sequence[Section]) -> str:
    """The whole page: header, a bar of links to the sections, the sections, the sorting script."""
    nav = "".join(f'<a href="#{s.id}">{esc(s.title)}</a>' for s in sections)
    body = "".join(f'<section id="{s.id}"><h2>{esc(s.title)}</h2>'
                   f'{note(s.intro, "info") if s.intro else ""}{s.body}</section>' for s in sections)
    sub = "".join(f"<p>{esc(line)}</p>" for line in subtitle)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{esc(title)}</h1>{sub}</header><nav>{nav}</nav><main>{body}</main>"
            f"<script>{_SCRIPT}</script></body></html>\n")


@dataclass
class Page:
    """The sections of a page as they are built."""

    sections: list[Section] = field(default_factory=list)

    def add(self, id: str, title: str, body: str, intro: str = "") -> None:
        self.sections.append(Section(id, title, body, intro))
