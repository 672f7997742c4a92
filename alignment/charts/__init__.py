"""Altair chart builders: functions that take tidy (already masked) frames and return charts.

Builders never compute a figure themselves (that is ``alignment.scoring`` and friends), so a
chart can only show what the masked tables hold. Each module covers one family of charts, named
for the core module or page it draws:

- ``heatmaps``: alignment by initiative and group or side, gaps, coverage, trend;
- ``briefs``: the chart a brief carries; ``assessment``: the self-assessment's radar and trend;
- ``indicators``: small multiples and the risk index; ``stakeholders``: the power–interest grid;
- ``compare``: two workspaces side by side; ``workshop``: the room's live heatmap and tally;
- ``prioritise``: the ranking with each rank's range and the capacity line, the sides' slope;
- ``render``: any chart to PNG/SVG/PDF bytes without a browser or network.
"""

import altair as alt

# Charts here always get aggregated, masked frames; a large portfolio page (200 initiatives ×
# 30 groups) legitimately passes Altair's 5,000-row guard, which exists to catch raw data.
alt.data_transformers.disable_max_rows()
