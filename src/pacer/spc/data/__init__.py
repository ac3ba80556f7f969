"""Measurement files for the SPC core: CSV and Parquet read as streams with their problems named
by row and column (:mod:`.files`), and many characteristics at once over Parquet with DuckDB
(:mod:`.columnar`). The core (:mod:`pacer.spc`) does no I/O and does not import this package."""
