"""The recurring-themes chart, drawn on the server as SVG (no script, nothing inline the
Content-Security-Policy forbids): one row per theme, one bar per year, the bar's length the number
of audits, each bar a link to the audits behind it. The same figures are in a table under it."""

from django.urls import reverse

# Colour-blind-safe palette (Okabe-Ito), one colour per year, always with the year written beside it.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
ROW_HEIGHT = 18
GAP = 10
LABEL_WIDTH = 220
BAR_AREA = 420


def theme_year_chart(data, *, max_years=6):
    years = data["years"][-max_years:]
    rows = data["rows"]
    peak = max([c["audits"] for r in rows for y, c in r.years.items() if y in years] or [1])
    scale = BAR_AREA / max(peak, 1)
    colours = {year: PALETTE[i % len(PALETTE)] for i, year in enumerate(years)}
    groups, y = [], 0
    for row in rows:
        bars = []
        for year in years:
            cell = row.years.get(year)
            if not cell:
                continue
            bars.append(
                {
                    "year": year,
                    "audits": cell["audits"],
                    "points": cell["points"],
                    "y": y + len(bars) * ROW_HEIGHT,
                    "width": max(2, round(cell["audits"] * scale)),
                    "colour": colours[year],
                    "url": reverse("learning:theme_year", kwargs={"theme_pk": row.theme.pk, "year": year}),
                }
            )
        if not bars:
            continue
        height = len(bars) * ROW_HEIGHT
        for bar in bars:
            bar["text_x"] = LABEL_WIDTH + bar["width"] + 6
            bar["text_y"] = bar["y"] + ROW_HEIGHT - 5
        groups.append({"theme": row.theme, "y": y, "label_y": y + height / 2 + 5, "bars": bars})
        y += height + GAP
    return {
        "groups": groups,
        "height": max(y, ROW_HEIGHT),
        "width": LABEL_WIDTH + BAR_AREA + 170,
        "label_width": LABEL_WIDTH,
        "legend": [(year, colours[year]) for year in years],
    }
