"""Charts as static images: the cockpit's Vega-Lite specifications converted offline by
vl-convert (:mod:`pacer.web.charts`, which registers the CJK fonts), kept per specification so
that one report rendered in several formats converts each chart once."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from pacer.web import charts as vega

KEPT = 64  # images kept per process (a report has about ten)
_kept: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_lock = threading.Lock()


def _key(spec: Mapping[str, Any], fmt: str) -> tuple[str, str]:
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest(), fmt


def image(spec: Mapping[str, Any], fmt: str) -> bytes:
    """The chart as ``png`` (twice the pixels, for print) or ``svg``."""
    key = _key(spec, fmt)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    data = vega.to_svg(dict(spec)).encode() if fmt == "svg" else vega.to_png(dict(spec), scale=2.0)
    with _lock:
        _kept[key] = data
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return data


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
