"""One module per review section: summaries → tables → narrative → figures → records.

Built on :mod:`qualepref_analysis.analysis` and shown through :mod:`qualepref_analysis.report`;
nothing here reads a file, a shell variable or the clock.
"""
