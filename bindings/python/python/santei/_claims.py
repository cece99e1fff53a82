"""Claims given as Python objects, written as JSON for the engine (called from the extension)."""

import datetime
import decimal
import json


def _default(o):
    # Dates as YYYY-MM-DD and Decimals exactly, as the claim format wants them (strings).
    if isinstance(o, datetime.date) and not isinstance(o, datetime.datetime):
        return o.isoformat()
    if isinstance(o, decimal.Decimal):
        return str(o)
    raise TypeError(f"a claim cannot hold a {type(o).__name__} value: {o!r}")


dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode
