"""Altair chart builders: functions that take tidy (already masked) frames and return charts.

Builders never compute a figure themselves (that is ``alignment.scoring`` and friends), so a
chart can only show what the masked tables hold. Each module covers one family of charts;
``render`` turns any chart into PNG/SVG/PDF bytes without a browser or network.
"""

import altair as alt

# Charts here always get aggregated, masked frames; a large portfolio page (200 initiatives ×
# 30 groups) legitimately passes Altair's 5,000-row guard, which exists to catch raw data.
alt.data_transformers.disable_max_rows()
