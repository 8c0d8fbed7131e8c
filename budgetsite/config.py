"""Site settings from site.toml, frozen once read."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

CONFIG_FILE = "site.toml"


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    site_url: str
    base_path: str
    datasets: Path
    reference: Path
    output: Path
    templates: Path
    i18n: Path
    build_epoch: int  # SOURCE_DATE_EPOCH: the only clock the build reads

    def with_overrides(self, out: Path | None = None, base_path: str | None = None,
                       site_url: str | None = None) -> SiteConfig:
        return replace(
            self,
            output=out.resolve() if out else self.output,
            base_path=normal_base_path(base_path) if base_path is not None else self.base_path,
            site_url=normal_site_url(site_url) if site_url else self.site_url,
        )


def normal_base_path(path: str) -> str:
    path = "/" + path.strip("/")
    return path if path == "/" else path + "/"


def normal_site_url(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"site_url must start with https:// or http://, found {url!r}")
    return url.rstrip("/") + "/"


def load_config(root: Path) -> SiteConfig:
    path = root / CONFIG_FILE
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return SiteConfig(
        root=root,
        site_url=normal_site_url(os.environ.get("SITE_URL") or data.get("site_url", "https://example.org/")),
        base_path=normal_base_path(os.environ.get("BASE_PATH") or data.get("base_path", "/")),
        datasets=root / data.get("datasets", "datasets"),
        reference=root / data.get("reference", "reference"),
        output=root / data.get("output", "site"),
        templates=root / "templates",
        i18n=root / "i18n",
        build_epoch=int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0),
    )
