"""Loading from the database: the queries and readers (PostgreSQL binary COPY, SQLite through Arrow
in a child process) that build the core's input arrays.

May import the core's input types (:mod:`pacer.analysis.core.inputs`) and the product's models;
nothing of the answers, presentation or engine.
"""
