"""The Markdown of a debrief as HTML: headings, paragraphs, lists, pipe tables, bold, italics, code, images.

Only what :mod:`lrt.training.debrief` writes; everything is escaped first (named and numeric character
references such as ``&nbsp;`` and ``&rarr;`` are kept).  Links keep their text only and an image becomes the
``images[src]`` data URI given, or its alternative text: the page references nothing outside itself.
"""

from __future__ import annotations

import re
from html import escape

__all__ = ["markdown_html"]

_ENTITY = re.compile(r"&amp;([a-zA-Z]{2,8}|#\d{1,6});")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _inline(text: str, images: dict[str, str]) -> str:
    def image(m):
        alt, src = m.group(1), m.group(2)
        if src in images:
            return f'<img alt="{alt}" src="{images[src]}">'
        return f"<em>[{alt}: {src} not in the folder]</em>"

    out = _ENTITY.sub(r"&\1;", escape(text, quote=True))
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = _IMAGE.sub(image, out)
    out = _LINK.sub(r"\1", out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", out)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def markdown_html(text: str, images: dict[str, str] | None = None, *, level_offset: int = 1) -> str:
    """HTML of the Markdown ``text``; headings move down ``level_offset`` levels (# becomes h2 in the page)."""
    images = images or {}
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    paragraph: list[str] = []

    def flush():
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph), images)}</p>")
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        if heading:
            flush()
            level = min(6, len(heading.group(1)) + level_offset)
            out.append(f"<h{level}>{_inline(heading.group(2), images)}</h{level}>")
        elif line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|?[\s:|-]+\|?$", lines[i + 1]):
            flush()
            head = "".join(f"<th>{_inline(c, images)}</th>" for c in _cells(line))
            body = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                body.append("<tr>" + "".join(f"<td>{_inline(c, images)}</td>" for c in _cells(lines[i])) + "</tr>")
                i += 1
            out.append(f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
                       "</tbody></table></div>")
            continue
        elif re.match(r"\s*[-*]\s+", line):
            flush()
            items = []
            while i < len(lines) and re.match(r"\s*[-*]\s+", lines[i]):
                item = _inline(re.sub(r"^\s*[-*]\s+", "", lines[i]), images)
                items.append(f"<li>{item}</li>")
                i += 1
            out.append(f"<ul>{''.join(items)}</ul>")
            continue
        elif not line.strip():
            flush()
        else:
            paragraph.append(line.strip())
        i += 1
    flush()
    return "\n".join(out)
