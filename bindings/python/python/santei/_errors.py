"""The exceptions santei raises. Each carries a stable `.code`, the same ids as the C API's status
codes (`santei_status_name`): code a program can rely on; the message is for people."""

from typing import Optional


class SanteiError(Exception):
    """Base class of santei's errors.

    Attributes:
        code: stable id of the error (`"claim.json"`, `"masters.data"`, `"panic"` …).
        message: the message, complete on its own.
        path: a claim's JSON path (`visits[0].date`) or a masters file; `""` when none.
        line, column: 1-based position in the claim JSON or the masters file; 0 when unknown.
        index: for `Engine.calculate_many`, the index of the claim; None otherwise.
    """

    def __init__(
        self,
        message: str,
        code: str,
        path: str = "",
        line: int = 0,
        column: int = 0,
        index: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.index = index

    def __reduce__(self):  # pickling keeps every attribute
        return (
            type(self),
            (self.message, self.code, self.path, self.line, self.column, self.index),
        )


class MastersError(SanteiError):
    """The masters could not be loaded (`masters.not_a_directory`, `masters.io`, `masters.zip`,
    `masters.missing_required`, `masters.missing_etensu`, `masters.data`,
    `masters.no_revision`)."""


class RulesError(SanteiError):
    """Rule files (the 医科電子点数表 compiled into rules) do not compile (`rules.invalid`)."""


class ClaimError(SanteiError, ValueError):
    """The claim cannot be judged at all (`claim.json`, `claim.value`, `claim.format`,
    `claim.month`, `claim.revision`, `claim.unsupported`). Rule outcomes (a line not billed) are
    findings in the result, never exceptions."""


class PanicError(SanteiError):
    """santei panicked (a bug, `panic`): the call was abandoned; the engine and the interpreter
    go on. Please report the message."""
