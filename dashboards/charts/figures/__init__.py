"""Plotly figure builders, one module per family of chart kinds; `dashboards.charts.builders` is the door."""
