"""A deterministic demo group for trying Pacer out and for measuring it.

``pacer.demo.generator.generate`` builds the org tree, people, monthly express-report facts and
annual targets of a fictional multi-level group from ``demo_group.yaml`` (or a file of the same
shape), without touching a database.
"""
