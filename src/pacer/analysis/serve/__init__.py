"""The engine and its service: :class:`~pacer.analysis.serve.engine.Engine` assembles the core and
the answers into the facade callers use; :mod:`~pacer.analysis.serve.service` binds an engine to the
database (through the loaders) and keeps it current; completeness picks the default period.

The top layer: may import every other layer of the analysis package.
"""
