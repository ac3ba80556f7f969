"""Responsibility statements (责任书) and the year-end assessment (考核).

:mod:`pacer.assessment.rules` says what a statement's items are; :mod:`pacer.assessment.validation`
refuses a statement that cannot be scored; :mod:`pacer.assessment.scoring` scores a unit against
its statement, item by item, with the working shown. All three are pure: no I/O.
"""
