# Type stubs of the extension module santei._santei (written by hand; keep in step with
# bindings/python/src/lib.rs).
import os
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Tuple, Union, overload

from ._errors import SanteiError

__version__: str

_Path = Union[str, "os.PathLike[str]"]
Claim = Union[Mapping[str, Any], str, bytes]
"""A `santei.claim/1` claim: a dict (dates and Decimals may be objects), or JSON text."""
Result = Dict[str, Any]
"""A `santei.result/1` result: total_points, sections, aggregations, days, lines, findings."""

class Engine:
    """The official masters of one or more revisions, loaded once. Immutable: share one engine
    between threads."""

    @staticmethod
    def demo() -> "Engine":
        """The engine over santei's embedded demo data (not official masters)."""
    @staticmethod
    def load(
        path: _Path, *, updates: Optional[_Path] = None, etensu: Optional[_Path] = None
    ) -> "Engine":
        """Loads one folder of official masters (CP932 zip or CSV), with an optional folder of
        change files and an optional 医科電子点数表 folder. Raises `MastersError`."""
    @staticmethod
    def load_folders(
        folders: Iterable[
            Union[
                _Path,
                Tuple[_Path, Optional[_Path]],
                Tuple[_Path, Optional[_Path], Optional[_Path]],
            ]
        ],
    ) -> "Engine":
        """Loads several folders, one per revision: a path, `(path, updates)` or
        `(path, updates, etensu)`."""
    @property
    def revisions(self) -> List[str]:
        """The revisions loaded (`"r2024-06"` …)."""
    def calculate(self, claim: Claim) -> Result:
        """Computes one claim. Raises `ClaimError` when it cannot be judged at all."""
    @overload
    def calculate_many(
        self, claims: Iterable[Claim], *, return_exceptions: Literal[False] = False
    ) -> List[Result]:
        """Computes claims in parallel without the GIL; results in order. The first failure
        raises (with `.index`)."""
    @overload
    def calculate_many(
        self, claims: Iterable[Claim], *, return_exceptions: bool
    ) -> List[Union[Result, SanteiError]]:
        """As above; with `return_exceptions=True` a failure takes its claim's place."""

def _test_panic() -> None:
    """Only in builds with the `test-hooks` feature: raises `PanicError`."""
