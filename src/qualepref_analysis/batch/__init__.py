"""The review run as a whole: plan, incremental state, parallel kernels, pages, the bilan, publication."""
