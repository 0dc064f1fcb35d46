"""Numbers as Indian readers expect them: 45,71,209 and 1.65 crore."""

from __future__ import annotations

import math


def indian_grouping(value: float, decimals: int = 0) -> str:
    """Group digits the Indian way (last three, then pairs): 4571209 -> '45,71,209'."""
    if not math.isfinite(value):
        return str(value)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        pairs = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        whole = ",".join([head, *pairs, tail]) if head else ",".join([*pairs, tail])
    return sign + whole + (f".{fraction}" if fraction else "")


def kpi_value(value: float) -> str:
    """Counts in Indian grouping; means with two decimals; shares below 1 with three
    significant digits (a readiness of 0.004 must not read as 0.00)."""
    if abs(value) >= 100 or float(value).is_integer():
        return indian_grouping(value)
    if abs(value) < 1:
        return f"{value:.3g}"
    return f"{value:.2f}"


def percent(value: float) -> str:
    return f"{value:+.1f}%" if math.isfinite(value) else "n/a"
