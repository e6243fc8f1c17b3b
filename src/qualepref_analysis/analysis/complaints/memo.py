"""A dictionary that computes a missing value on first look-up: the memos of complaint preparation.

Sentences, words and courtesy formulas recur across a register; each distinct one is worked on once.
Looked up through ``map(memo.__getitem__, keys)``, the memo costs one C-level call per key.
"""

from __future__ import annotations

from typing import Callable, Hashable

__all__ = ["Memo"]


class Memo(dict):
    """``memo[key]`` is ``compute(key)``, kept once computed (up to ``size`` keys, then computed each time).

    Parameters
    ----------
    compute : callable
        The function of one key to memoise.
    size : int
        Keys kept at most (memory stays bounded on an open vocabulary).

    Examples
    --------
    >>> lengths = Memo(len, size=2)
    >>> lengths["abc"], lengths["de"], lengths["f"], len(lengths)
    (3, 2, 1, 2)
    """

    def __init__(self, compute: Callable[[Hashable], object], size: int) -> None:
        super().__init__()
        self.compute, self.size = compute, size

    def __missing__(self, key: Hashable) -> object:
        value = self.compute(key)
        if len(self) < self.size:
            self[key] = value
        return value
