"""Figures as shown: display units, rounding that keeps totals adding up, and the words for
statuses and changes, shared by pages, exports and the terminal.

May import the answers' result types (and the core below them); nothing of the loaders or the engine.
"""
