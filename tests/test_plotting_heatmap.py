"""The heat map's row and hour names are plain texts (lrt.plotting.day._cell_labels), drawn exactly where
matplotlib's tick labels were: the same pixels as a heat map labelled with ticks."""

from __future__ import annotations

import io

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from PIL import Image

import lrt.plotting.day as day
from lrt.plotting import png_bytes, svg_text


def _ticks(ax, rows, columns, first):
    """The labels as they were: matplotlib's ticks, without tick marks."""
    ax.set_yticks(np.arange(len(rows)) + 0.5, list(rows), fontsize=7)
    ax.set_xticks(first + np.arange(len(columns)) + 0.5, list(columns), fontsize=7)
    ax.tick_params(length=0)


def _chart(rows, hours):
    grid = np.random.default_rng(3).random((len(rows), len(hours)))
    grid[0, -1] = np.nan
    return day.heatmap(grid, rows, hours, vmax=1.0, fmt=lambda v: f"{100 * v:.0f}" if v >= 0.5 else "",
                       title="up: Airport → Nurly Zhol", label="max load factor [% of 652]")


def _pixels(ax, dpi):
    return np.asarray(Image.open(io.BytesIO(png_bytes(ax.figure, dpi=dpi))))


@pytest.mark.parametrize("dpi", [100, 72])
def test_the_names_are_where_the_tick_labels_were(monkeypatch, dpi):
    rows = ["Airport → Atameken", "Atameken → Yesil", "Yesil → Mangilik El", "Baiterek → House of Ministries"]
    hours = np.arange(21, 26)  # 21 to 01: the hours go on past midnight, the names wrap
    ours = _pixels(_chart(rows, hours), dpi)
    with monkeypatch.context() as m:
        m.setattr(day, "_cell_labels", _ticks)
        reference = _chart(rows, hours)
        reference.xaxis.labelpad = 4  # matplotlib's own, below the tick labels
        theirs = _pixels(reference, dpi)
    assert_array_equal(ours, theirs)


def test_every_row_and_hour_is_named_once_as_text():
    ax = _chart(["S1 → S2", "S2 → S3"], np.arange(23, 26))
    svg = svg_text(ax.figure, salt="heat")
    texts = [t.get_text() for t in ax.texts]
    for name in ("S1 → S2", "S2 → S3", "23", "00", "01"):
        assert texts.count(name) == 1 and f">{name}<" in svg


def test_the_load_chart_s_colour_bar_reads_in_percent_of_capacity():
    from lrt.plotting.loads import load_heatmap_figure

    # loads from 0 to 120 % of capacity: the colour bar's numbers are percentages, as its label says
    grid = np.array([[0.2, 0.6, 1.2], [0.0, 0.9, np.nan]])
    fig = load_heatmap_figure([("up", ["A → B", "B → C"], np.array([7, 8, 9]), grid)], 652)
    fig.canvas.draw()
    bar = fig.axes[-1]
    assert bar.get_ylabel() == "max load factor [% of 652]"
    shown = [(float(t.get_text()), t.get_position()[1]) for t in bar.get_yticklabels()]
    shown = [(text, at) for text, at in shown if 0.0 <= at <= 1.2]  # the ticks on the bar (0 to 120 %)
    assert len(shown) >= 2 and all(text == pytest.approx(100 * at) for text, at in shown)
    assert (100.0, 1.0) in shown  # a full train reads 100
