"""A chart of the page: the plotting function by name, drawn on a new figure, inlined as SVG with its caption."""

from __future__ import annotations

__all__ = ["chart", "CHARTS"]


def _drawers() -> dict:
    from ..plotting import day, marey, study
    from ..plotting.loads import load_heatmap_figure

    return {"marey": marey.marey_chart, "load_heatmap": load_heatmap_figure, "heatmap": day.heatmap,
            "headway_regularity": day.headway_regularity, "wait_distribution": day.wait_distribution,
            "trains_in_service": day.trains_in_service, "energy_by_hour": day.energy_by_hour,
            "distributions": study.kpi_distributions, "against": study.kpis_against,
            "punctuality": study.punctuality_curves, "convergence": study.convergence, "score": study.score_bars}


CHARTS = ("marey", "load_heatmap", "heatmap", "headway_regularity", "wait_distribution", "trains_in_service",
          "energy_by_hour", "distributions", "against", "punctuality", "convergence", "score")
"""The charts a report can hold, by the name :func:`chart` takes."""


def chart(salt: str, name: str, *args, caption: str, wide: bool = False, **kwargs) -> str:
    """Draw ``name`` (one of :data:`CHARTS`) from ``args`` and return its figure block; ``salt`` (unique in the
    page) seeds the SVG's ids so that two charts never share one and the same data give the same bytes."""
    from ..plotting import svg_text
    from .html import figure_block

    drawn = _drawers()[name](*args, **kwargs)
    fig = drawn if hasattr(drawn, "savefig") else drawn.figure
    return figure_block(svg_text(fig, salt=f"lrt-{salt}"), caption, wide=wide)
