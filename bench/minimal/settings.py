"""tuoyu's settings plus the minimal pages' URLs and templates (``DJANGO_SETTINGS_MODULE=bench.minimal.settings``)."""

from pathlib import Path

from tuoyu.settings import *  # noqa: F403
from tuoyu.settings import TEMPLATES

ROOT_URLCONF = "bench.minimal.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"]
