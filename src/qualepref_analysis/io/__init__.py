"""Reading and writing: the data contract's files, validation and quarantine, parameters, results.

Lowest layer of the package: it imports nothing of the others but :mod:`qualepref_analysis.errors`.
Personal data are scrubbed from displayed labels as the files are read (:mod:`.privacy`).
"""
