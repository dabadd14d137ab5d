import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    """Messages are matched in English (the msgids), whatever the default language."""
    with translation.override("en"):
        yield
