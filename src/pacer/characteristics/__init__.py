"""Stored characteristics (特性) for statistical process control: their specification and chart,
measurements arriving by CSV or Parquet upload and by the API, phase I calibration frozen for
phase II monitoring, revisions that remove points for an assignable cause, and the pages that
draw the chart with its signals and the capability with its confidence intervals. The arithmetic
is :mod:`pacer.spc`'s; this package stores, checks and shows."""
