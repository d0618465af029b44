"""Charts drawn on the server as inline SVG: no JavaScript, no chart library, no CDN.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that
states every value, so a screen reader reads the figures; the page shows the
same figures in a table beside it. Bars run horizontally so that long Chinese
names fit on one line. Text uses the page's CJK-capable font stack.
"""

import itertools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif"
# Okabe–Ito first: distinguishable with the common forms of colour blindness.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    # Paul Tol's muted scheme, for breakdowns with more parts than the above.
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#DDCC77",
    "#882255",
    "#AA4499",
    "#661100",
)
WIDTH = 720
FONT_SIZE = 13
ROW_GAP = 10
BAR_HEIGHT = 16
LEGEND_HEIGHT = 24
MAX_LABEL_WIDTH = 240
VALUE_WIDTH = 110


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | int | float]


def format_number(value) -> str:
    """A figure with thousands grouped by commas, cents only when there are any.

    Both languages of the site write 7,490,000 this way; Django's zh-hans number
    format has no thousands separator, which makes yuan amounts hard to read.
    """
    if value is None:
        return "—"
    value = Decimal(value)
    decimals = 0 if value == value.to_integral_value() else 2
    return f"{value:,.{decimals}f}"


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """Rough rendered width: CJK and other wide characters take a full em."""
    return sum(
        size if unicodedata.east_asian_width(char) in {"W", "F"} else size * 0.6 for char in text
    )


def fit(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width``; the full text stays in a tooltip."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _svg(
    *, chart_id: str, title: str, description: str, height: int, body: list[str]
) -> SafeString:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="max-width: {WIDTH}px; height: auto" font-family="{escape(FONT)}" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def _legend(series_names: Sequence[str], y: int) -> tuple[list[str], int]:
    """Swatches with names, wrapped onto as many lines as needed; returns the height used."""
    parts, x, line = [], 0.0, 0
    for index, name in enumerate(series_names):
        item_width = 18 + text_width(name) + 18
        if x and x + item_width > WIDTH:
            x, line = 0.0, line + 1
        top = y + line * LEGEND_HEIGHT
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{top + 3}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18:.1f}" y="{top + 14}" fill="#1f2933">{escape(name)}</text>'
        )
        x += item_width
    return parts, (line + 1) * LEGEND_HEIGHT if series_names else 0


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    formatter: Callable[[object], str] = format_number,
) -> SafeString:
    """Horizontal bars: one group per label, one bar per series, each value written out."""
    if not labels:
        return _svg(
            chart_id=chart_id,
            title=title,
            description=_("No data."),
            height=40,
            body=[f'<text x="0" y="24" fill="#52606d">{escape(_("No data."))}</text>'],
        )
    label_width = min(MAX_LABEL_WIDTH, max(text_width(label) for label in labels) + 8)
    plot_width = WIDTH - label_width - VALUE_WIDTH
    peak = max((Decimal(v or 0) for s in series for v in s.values), default=Decimal(0)) or 1
    body: list[str] = []
    top = 0
    if len(series) > 1:
        legend, top = _legend([s.name for s in series], 0)
        body += legend
    group_height = len(series) * BAR_HEIGHT + ROW_GAP
    described = []
    for row, label in enumerate(labels):
        y = top + row * group_height
        middle = y + len(series) * BAR_HEIGHT / 2 + FONT_SIZE / 2 - 2
        body.append(
            f'<text x="{label_width - 8:.1f}" y="{middle:.1f}" text-anchor="end" '
            f'fill="#1f2933"><title>{escape(label)}</title>{escape(fit(label, label_width - 8))}'
            "</text>"
        )
        values_said = []
        for index, one in enumerate(series):
            value = one.values[row]
            shown = formatter(value)
            values_said.append(f"{one.name} {shown}")
            length = float(Decimal(value or 0) / peak) * plot_width
            bar_y = y + index * BAR_HEIGHT
            colour = PALETTE[index % len(PALETTE)]
            body.append(
                f'<rect x="{label_width:.1f}" y="{bar_y + 1:.1f}" width="{max(length, 1):.1f}" '
                f'height="{BAR_HEIGHT - 2}" fill="{colour}">'
                f"<title>{escape(label)} — {escape(one.name)}: {escape(shown)}</title></rect>"
                f'<text x="{label_width + max(length, 1) + 4:.1f}" '
                f'y="{bar_y + BAR_HEIGHT - 4:.1f}" fill="#1f2933">{escape(shown)}</text>'
            )
        described.append(f"{label}: {', '.join(values_said)}")
    height = int(top + len(labels) * group_height)
    return _svg(
        chart_id=chart_id,
        title=title,
        description="; ".join(described),
        height=height,
        body=body,
    )


def share_bar(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
) -> SafeString:
    """One bar split into each label's share (a status breakdown), with a legend of counts."""
    total = sum(values)
    if not total:
        return bar_chart(chart_id=chart_id, title=title, labels=[], series=[])
    legend_names = [
        _("%(label)s: %(count)s (%(share)s%%)")
        % {
            "label": label,
            "count": format_number(value),
            "share": format_number(round(Decimal(value) * 100 / total)),
        }
        for label, value in zip(labels, values, strict=True)
    ]
    bar_height = 32
    body = []
    offsets = itertools.accumulate(values, initial=0)
    for index, (offset, value, name) in enumerate(zip(offsets, values, legend_names, strict=False)):
        x = offset / total * WIDTH
        width = value / total * WIDTH
        body.append(
            f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="{bar_height}" '
            f'fill="{PALETTE[index % len(PALETTE)]}" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(name)}</title></rect>"
        )
    legend, legend_height = _legend(legend_names, bar_height + 10)
    body += legend
    return _svg(
        chart_id=chart_id,
        title=title,
        description="; ".join(legend_names),
        height=bar_height + 10 + legend_height,
        body=body,
    )
