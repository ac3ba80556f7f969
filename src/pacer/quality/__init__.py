"""Quality problems (质量问题) and their double zeroing (双归零).

A problem is recorded at the unit where it was found, with the stages where it was found and
where it originated, and closed when the ten criteria of technical and management zeroing have
evidence signed off by a reviewer (never its owner) and the checks 举一反三 spawned at sister
units are confirmed. :func:`pacer.quality.service.open_problem` opens one, also from a signal on
a control chart (``source``).
"""
