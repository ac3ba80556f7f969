"""The answers computed from the core: result rows and values, cockpit views, bridges of change,
data checks and history.

May import :mod:`pacer.analysis.core` (and the indicator formula grammar); never the loaders,
the presentation or the engine.
"""
