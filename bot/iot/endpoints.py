"""Where the app-API lives: region presets or explicit URLs (the sandbox)."""

from __future__ import annotations

from dataclasses import dataclass

_REGIONS = {
    "cn": "iot.cloud.tencent.com",
    "overseas": "oversea.iotcloud.tencentiotcloud.com",
}
WS_PATH = "/iotstudio_v2_weapp_1"


@dataclass(frozen=True)
class Endpoints:
    """The signed ``appapi`` URL, the token ``tokenapi`` URL and the push websocket URL."""

    app_api: str
    token_api: str
    websocket: str

    @classmethod
    def for_region(cls, region: str) -> Endpoints:
        """The public cloud of ``region`` ('cn' or 'overseas')."""
        try:
            host = _REGIONS[region]
        except KeyError:
            raise ValueError(f"unknown region {region!r}; use one of {sorted(_REGIONS)}") from None
        return cls.custom(f"https://{host}/api/exploreropen", f"wss://{host}{WS_PATH}")

    @classmethod
    def custom(cls, api_base: str, websocket: str) -> Endpoints:
        """Explicit URLs: ``api_base`` is what ``/appapi`` and ``/tokenapi`` are appended to."""
        base = api_base.rstrip("/")
        return cls(f"{base}/appapi", f"{base}/tokenapi", websocket)
