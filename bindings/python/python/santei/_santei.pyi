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

_Rounding = Literal["prescription", "rx"]
_Encoding = Literal["cp932", "utf8"]
_Prefixes = Union[str, Iterable[str]]
_Rules = Union[_Path, Iterable[_Path]]
_Under70PublicLimit = Literal["by-law", "u-formula", "own-class"]
_PublicReceiptRounding = Literal["ten-yen-unless-limited", "yen"]
_MissingOver70Class = Literal["refuse", "from-rate"]
_HoCopay = Literal["when-limited", "always"]

class EngineBuilder:
    """Assembles an engine setting by setting: the options of `santei calc` and the C API's
    `santei_builder_*`. Every method returns the builder; `build()` returns the engine and can be
    called again."""

    def __init__(self) -> None: ...
    def masters(
        self,
        path: _Path,
        *,
        updates: Optional[_Path] = None,
        etensu: Optional[_Path] = None,
        complete_prefixes: Optional[_Prefixes] = None,
    ) -> "EngineBuilder":
        """Adds a folder of official masters of one revision (`--masters`), with its change
        files, 医科電子点数表 and, for an excerpt, the code prefixes it holds completely."""
    def demo(self) -> "EngineBuilder":
        """Adds every embedded demo revision (not official data)."""
    def updates(self, path: _Path) -> "EngineBuilder":
        """Change files for every masters folder without its own (`--updates`)."""
    def etensu(self, path: _Path, *, revision: Optional[str] = None) -> "EngineBuilder":
        """A 医科電子点数表 for `revision`, or for the only revision loaded (`--etensu`)."""
    def complete_prefixes(self, prefixes: _Prefixes) -> "EngineBuilder":
        """Code prefixes an excerpt holds completely (`--complete-prefixes`)."""
    def revision(self, revision: str) -> "EngineBuilder":
        """The revision of the masters files when not inferred (`--revision`)."""
    def encoding(self, encoding: _Encoding) -> "EngineBuilder":
        """The text encoding of the masters files (`--encoding`)."""
    def rules_dir(self, path: _Path) -> "EngineBuilder":
        """Adds a folder of `*.rules` files (`--rules`)."""
    def without_bundled_rules(self) -> "EngineBuilder":
        """Leaves out santei's bundled rule files."""
    def polypharmacy_rounding(self, rounding: _Rounding) -> "EngineBuilder":
        """The unit of the F200 注3 90/100 rounding (`--polypharmacy-rounding`)."""
    def under70_public_limit(self, how: _Under70PublicLimit) -> "EngineBuilder":
        """How the 公費 part of a 70歳未満 claim is capped (`--under70-public-limit`)."""
    def public_receipt_rounding(self, how: _PublicReceiptRounding) -> "EngineBuilder":
        """How the KO 負担金額 is rounded (`--public-receipt-rounding`)."""
    def missing_over70_class(self, what: _MissingOver70Class) -> "EngineBuilder":
        """What a 70歳以上 claim without 所得区分 gets (`--missing-over70-class`)."""
    def ho_copay(self, when: _HoCopay) -> "EngineBuilder":
        """When the HO 負担金額 is written (`--ho-copay`)."""
    def local_schemes(self, json: Union[str, bytes]) -> "EngineBuilder":
        """地方単独 公費 schemes as JSON text (`--local-schemes`); ValueError with line and column."""
    def local_schemes_file(self, path: _Path) -> "EngineBuilder":
        """地方単独 公費 schemes from a JSON file, read by `build()` (`--local-schemes FILE`)."""
    def build(self) -> "Engine":
        """Loads everything without the GIL. Raises `MastersError` / `RulesError` naming the
        folder at fault, `ValueError` when no masters were added."""

class Engine:
    """The official masters of one or more revisions, loaded once. Immutable: share one engine
    between threads."""

    @staticmethod
    def demo(
        *,
        rules: Optional[_Rules] = None,
        without_bundled_rules: bool = False,
        polypharmacy_rounding: _Rounding = "prescription",
    ) -> "Engine":
        """The engine over santei's embedded demo data (not official masters)."""
    @staticmethod
    def load(
        path: _Path,
        *,
        updates: Optional[_Path] = None,
        etensu: Optional[_Path] = None,
        complete_prefixes: Optional[_Prefixes] = None,
        rules: Optional[_Rules] = None,
        without_bundled_rules: bool = False,
        polypharmacy_rounding: _Rounding = "prescription",
        encoding: _Encoding = "cp932",
        revision: Optional[str] = None,
    ) -> "Engine":
        """Loads one folder of official masters (CP932 zip or CSV), with an optional folder of
        change files and an optional 医科電子点数表 folder; the other keywords are `santei calc`'s
        options. Raises `MastersError`, `RulesError`."""
    @staticmethod
    def load_folders(
        folders: Iterable[
            Union[
                _Path,
                Tuple[_Path, Optional[_Path]],
                Tuple[_Path, Optional[_Path], Optional[_Path]],
            ]
        ],
        *,
        complete_prefixes: Optional[_Prefixes] = None,
        rules: Optional[_Rules] = None,
        without_bundled_rules: bool = False,
        polypharmacy_rounding: _Rounding = "prescription",
        encoding: _Encoding = "cp932",
        revision: Optional[str] = None,
    ) -> "Engine":
        """Loads several folders, one per revision: a path, `(path, updates)` or
        `(path, updates, etensu)`."""
    @property
    def revisions(self) -> List[str]:
        """The revisions loaded (`"r2024-06"` …)."""
    def calculate(self, claim: Claim, *, explain: bool = True) -> Result:
        """Computes one claim. Raises `ClaimError` when it cannot be judged at all.
        `explain=False`: no `explain` on lines and amounts (not built; faster)."""
    @overload
    def calculate_many(
        self,
        claims: Iterable[Claim],
        *,
        return_exceptions: Literal[False] = False,
        explain: bool = True,
    ) -> List[Result]:
        """Computes claims in parallel without the GIL; results in order. The first failure
        raises (with `.index`)."""
    @overload
    def calculate_many(
        self, claims: Iterable[Claim], *, return_exceptions: bool, explain: bool = True
    ) -> List[Union[Result, SanteiError]]:
        """As above; with `return_exceptions=True` a failure takes its claim's place."""

def _test_panic() -> None:
    """Only in builds with the `test-hooks` feature: raises `PanicError`."""

# UKE blocks and their recalculation (bindings/python/src/uke.rs); use santei.uke, which wraps
# the columns into pyarrow record batches.
_Column = Tuple[str, str, int, int, Optional[bytes], List[bytes]]

def _uke_recalc(
    engine: Engine,
    data: Union[bytes, _Path],
    *,
    header: Optional[bytes] = None,
    file: str = "",
    offset: int = 0,
    first_line: int = 1,
    encoding: str = "auto",
    rules: bool = True,
    hospital: bool = False,
    beds: int = 0,
    standards: List[int] = ...,
) -> Tuple[List[_Column], List[_Column], Dict[str, Any]]: ...
def _uke_recalc_empty() -> Tuple[List[_Column], List[_Column]]: ...
def _uke_split(
    data: Union[bytes, _Path], block_bytes: int
) -> Tuple[Tuple[int, int], List[Tuple[int, int, int, int]], int, int, int]: ...
def _uke_sniff(head: bytes) -> str: ...
