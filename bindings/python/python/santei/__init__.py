"""santei: 医科診療報酬 claims computed from the official 支払基金 masters.

    import santei
    engine = santei.Engine.load("masters/r06", updates="masters/updates", etensu="etensu/r06")
    # or santei.Engine.demo(), or santei.Engine.load_folders([...]) for several revisions;
    # every `santei calc` option is a keyword (rules=, polypharmacy_rounding="rx" …) or a step:
    engine = (santei.EngineBuilder().masters("masters/r06", updates="masters/updates")
              .rules_dir("my-rules").polypharmacy_rounding("rx").build())
    result = engine.calculate(claim)                      # claim: dict, JSON str or bytes
    result["total_points"]
    results = engine.calculate_many(claims)               # parallel, without the GIL

Claims follow the `santei.claim/1` format and results `santei.result/1` (docs/CLAIM_FORMAT.md).
Errors are `santei.SanteiError` subclasses with a stable `.code`.
"""

from ._errors import ClaimError, MastersError, PanicError, RulesError, SanteiError
from ._santei import Engine, EngineBuilder, __version__

__all__ = [
    "Engine",
    "EngineBuilder",
    "SanteiError",
    "MastersError",
    "RulesError",
    "ClaimError",
    "PanicError",
    "__version__",
]
