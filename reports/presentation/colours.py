"""The palette: every colour drawn from Python (plotly charts, PDF sparklines and status icons),
and the print stylesheet's, which it takes as CSS variables from `print_palette_css`.

Paired with the CSS variables at the top of static/css/perfdash.css, which colour the web
pages: change a colour in both places. Colour only ever repeats what shapes and words say.
"""

from __future__ import annotations

import functools

from markupsafe import Markup

INK = "#0b0c0c"
MUTED = "#505a5f"
LINE = "#b1b4b6"
PANEL = "#f3f2f1"
LINK = "#1d70b8"
GREEN = "#00703c"
AMBER = "#8a5300"
RED = "#b0281a"
INFO = "#1d4f91"

# The colour of each status tone (`presentation.status.TONES`).
TONE_COLOURS = {"good": GREEN, "warn": AMBER, "bad": RED, "info": INFO, "neutral": MUTED}

# Charts on the web pages (plotly), drawn on a white plot (CHART_BACKGROUND). Every series, and the
# edges of the tolerance band, meet 3:1 against it (WCAG 1.4.11; tests/test_charts.py measures them).
CHART_BACKGROUND = "#ffffff"
CHART_GRID = "#dcdedf"  # decoration only: the figures are in the table beside each chart
CHART_TARGET = LINK
CHART_BAND = "rgba(244, 119, 56, 0.18)"  # the band's fill, see-through over the grid lines
CHART_BAND_EDGE = AMBER  # the band's edges, dotted: what shows where the band is
OWN_COUNCIL = LINK
OTHER_COUNCILS = "#6f777b"
FAMILY_AVERAGE = INK
NATIONAL_AVERAGE = "#d4351c"

# Sparklines in the PDFs: opaque, as they are images on white paper.
SPARK_TARGET = INFO
SPARK_BAND = "#f6d7c3"


@functools.cache
def print_palette_css() -> Markup:
    """The palette as the CSS variables the print stylesheet (templates/print/print.css) uses."""
    palette = {
        "ink": INK,
        "muted": MUTED,
        "line": LINE,
        "panel": PANEL,
        "green": GREEN,
        "amber": AMBER,
        "red": RED,
        "info": INFO,
    }
    variables = " ".join(f"--{name}: {colour};" for name, colour in palette.items())
    return Markup(f":root {{ {variables} }}")  # noqa: S704 - constant colours, no user input
