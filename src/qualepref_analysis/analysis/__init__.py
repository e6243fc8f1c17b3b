"""Pure functions and estimators: working days, delays, the indicator catalogue, survey weighting,
complaint categorisation.

Frames in, frames or records out: nothing here reads a file, a shell variable or the clock,
nor formats anything for a reader (that is :mod:`qualepref_analysis.report`).
"""
