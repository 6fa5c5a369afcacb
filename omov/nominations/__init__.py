"""Nominations and ballot access: thresholds as data, what-if analysis, trigger ballots, open selections.

`omov.nominations.thresholds` is pure Python (no Django) so that `omov nominations whatif FILE.csv` runs
anywhere; the Django models and services of nomination rounds build on it.
"""
