from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def portal_dir(tmp_path: Path, settings: Any) -> Path:
    """Each test renders into its own directory."""
    settings.PORTAL_DIR = tmp_path / "portal"
    settings.REDIS_URL = ""
    return settings.PORTAL_DIR
