"""The exact core: input arrays, the unit tree over time, the consolidated cube, indicator catalog,
period windows, measures, comparisons and the Holt-Winters outlook.

Pure and vectorised over numpy arrays. Imports nothing of the product but :mod:`pacer.kit`;
every other layer builds on it.
"""
