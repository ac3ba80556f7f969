"""Vega, Vega-Lite and vega-embed for interactive charts, served by Pacer itself.

The bundle comes from the ``vl-convert-python`` package (the same library versions that render
the static SVG/PNG), built once per process on first request and cached on disk per version.
"""

from __future__ import annotations

import threading
from pathlib import Path

import vl_convert
from fastapi import APIRouter
from platformdirs import user_cache_dir
from starlette.responses import Response

router = APIRouter(include_in_schema=False)
_lock = threading.Lock()
_bundle: bytes | None = None


def bundle_version() -> str:
    vega, vega_lite, embed = (
        vl_convert.get_vega_version(),
        vl_convert.get_vegalite_versions()[-1],
        vl_convert.get_vega_embed_version(),
    )
    return f"{vega}-{vega_lite}-{embed}"


def vega_bundle() -> bytes:
    global _bundle
    with _lock:
        if _bundle is None:
            cache = Path(user_cache_dir("pacer", appauthor=False)) / f"vega-bundle-{bundle_version()}.js"
            if cache.exists():
                _bundle = cache.read_bytes()
            else:
                _bundle = vl_convert.javascript_bundle().encode()  # type: ignore[call-arg]  # its stub wants a snippet; None (the default) gives the plain bundle
                try:
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    cache.write_bytes(_bundle)
                except OSError:
                    pass  # a read-only home only costs the rebuild in the next process
        return _bundle


@router.get("/vendor/vega-bundle.js")
def vega_js() -> Response:
    return Response(vega_bundle(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})
