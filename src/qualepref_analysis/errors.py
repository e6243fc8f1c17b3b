"""One exception family for everything the package refuses to do.

Every error raised on purpose by the package derives from :class:`QualeprefError`
and carries a message that names the file (and, where it applies, the row,
column and value) and says what to do. Subclasses also inherit the builtin
exception a caller would naturally catch.
"""

from __future__ import annotations

__all__ = [
    "QualeprefError",
    "ParamsError",
    "DataFileError",
    "UnreadableFileError",
    "MissingColumnError",
    "UnknownDatasetError",
    "DatasetNotFoundError",
    "QualeprefWarning",
]


class QualeprefError(Exception):
    """Root of every error raised on purpose by qualepref-analysis."""


class ParamsError(QualeprefError, ValueError):
    """A parameter file (``params/*.yaml``) is missing, unreadable or invalid."""


class DataFileError(QualeprefError, ValueError):
    """A data file cannot be loaded at all (a file-level problem, not a row-level one)."""

    def __init__(self, path: object, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{path}: {message}")

    def __reduce__(self):  # picklable (the batch hands validated data to its kernels)
        return (type(self), (self.path, self.message))


class UnreadableFileError(DataFileError):
    """The file cannot be opened or decoded (binary, unknown encoding, corrupt XLSX...)."""


class MissingColumnError(DataFileError, KeyError):
    """A required column of the data contract is absent from the file."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0] if self.args else ""


class UnknownDatasetError(DataFileError):
    """The file name matches no data set of the data contract."""


class DatasetNotFoundError(QualeprefError, FileNotFoundError):
    """A data set that is needed is absent from the data directory."""


class QualeprefWarning(UserWarning):
    """Computed, but be careful: small cells, doubtful inputs, ignored files."""
