import pytest

from lingtouyang.regions.loader import load_luzhou
from tests import factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001
    """Every test database holds Luzhou's real divisions (read-only reference data)."""
    with django_db_blocker.unblock():
        load_luzhou()


@pytest.fixture(autouse=True)
def _inline_imports(settings):  # noqa: ANN001
    settings.IMPORT_RUNNER = "inline"


@pytest.fixture
def users(db):  # noqa: ANN001
    """One account per role: city, county (泸县), township (喻寺镇), village and supervisor (谭坝村), reviewer."""
    return {name: factories.make_user(name, role, code) for name, (role, code) in factories.ROLE_USERS.items()}


@pytest.fixture
def upload_dir(tmp_path, settings):  # noqa: ANN001
    settings.UPLOAD_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path
