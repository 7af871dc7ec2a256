"""The analyst's settings: one TOML file, read once when the reader starts. Pure: the CLI
finds the file (from the environment) and hands the result to the app.

    [keys]                      # Textual keymaps: a binding id (see help) -> keys
    "reader.accept" = "y"
    "reader.reject" = "shift+x,delete"

    [look]
    theme = "textual-light"     # any Textual theme
    palette = "colour-blind"    # entity colours: "displacy" (default) or "colour-blind" (Okabe-Ito)
    label_tags = false          # hide the label after each entity in the text

    [learning]
    retrain_every = 20          # run `readtui train` in the background every 20 articles marked done
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

PALETTES = ("displacy", "colour-blind")
SECTIONS = {"keys", "look", "learning"}
LOOK = {"theme": str, "palette": str, "label_tags": bool}


class SettingsError(ValueError):
    """The settings file cannot be used; the message says where and why, in one line."""


@dataclass(frozen=True)
class Settings:
    keys: Mapping[str, str] = field(default_factory=dict)
    theme: str = ""
    palette: str = "displacy"
    label_tags: bool = True
    path: str = ""  # where they were read from (help shows it)
    retrain_every: int = 0  # articles marked done between two trainings by themselves (0: never)


def settings_path(env: Mapping[str, str]) -> Path:
    """$READTUI_SETTINGS, else $XDG_CONFIG_HOME/readtui/settings.toml, else ~/.config/…"""
    if env.get("READTUI_SETTINGS"):
        return Path(env["READTUI_SETTINGS"]).expanduser()
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path("~/.config").expanduser()
    return base / "readtui" / "settings.toml"


def load_settings(path: Path) -> Settings:
    """The settings in ``path``; the defaults when there is no such file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings(path=str(path))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the settings ({exc})") from None
    return _checked(data, path)


def _checked(data: Mapping[str, Any], path: Path) -> Settings:
    unknown = set(data) - SECTIONS
    if unknown:
        raise SettingsError(f"{path}: unknown section {sorted(unknown)[0]!r} (known: {', '.join(sorted(SECTIONS))})")
    keys = data.get("keys", {})
    look = data.get("look", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) and v.strip() for v in keys.values()):
        raise SettingsError(f"{path}: [keys] maps binding ids to keys, as strings (\"reader.accept\" = \"y\")")
    if not isinstance(look, dict):
        raise SettingsError(f"{path}: [look] must be a table")
    for name, value in look.items():
        want = LOOK.get(name)
        if want is None:
            raise SettingsError(f"{path}: unknown setting look.{name} (known: {', '.join(LOOK)})")
        if not isinstance(value, want):
            raise SettingsError(f"{path}: look.{name} must be a {want.__name__}")
    palette = look.get("palette", "displacy")
    if palette not in PALETTES:
        raise SettingsError(f"{path}: look.palette must be one of {', '.join(PALETTES)}")
    return Settings(keys=dict(keys), theme=look.get("theme", ""), palette=palette,
                    label_tags=look.get("label_tags", True), path=str(path),
                    retrain_every=_retrain_every(data.get("learning", {}), path))


def _retrain_every(learning: Any, path: Path) -> int:
    if not isinstance(learning, dict) or set(learning) - {"retrain_every"}:
        raise SettingsError(f"{path}: [learning] takes one setting, retrain_every = N (articles marked done)")
    n = learning.get("retrain_every", 0)
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise SettingsError(f"{path}: learning.retrain_every must be a whole number of articles, 0 for never")
    return n
