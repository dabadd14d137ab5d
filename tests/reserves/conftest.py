from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.accounts.roles import Role
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.reserves import services
from lingtouyang.reserves.models import Reserve
from tests import factories as f

# Minimal valid files: what their first bytes say is all that counts.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


@dataclass
class Pool:
    users: dict[str, Any]
    gan: Person  # 谭坝村
    mo: Person  # 喻寺镇, another village
    cen: Person  # 得胜镇 (泸县, outside 喻寺镇)
    pu: Person  # 古蔺县

    def add(self, person: Person | None = None, village: str = f.TANBA, who: str = "township", **extra: Any) -> Reserve:
        data: dict[str, Any] = {"source": "veteran", "posts": ["party_secretary"]}
        data.update(extra)
        return services.reserve_add(acting_user=self.users[who], person=person or self.gan,
                                    region=Region.objects.get(code=village), **data)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):  # noqa: ANN001, ANN201
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def pool(users, media) -> Pool:  # noqa: ANN001
    extra = {"gulin_admin": f.make_user("gulin_admin", Role.COUNTY_ADMIN, f.GULIN)}
    return Pool(users={**users, **extra},
                gan=f.make_person(f.TANBA, name="甘守仁", born=date(1988, 5, 17)),
                mo=f.make_person(f.OTHER_YUSI_VILLAGE, name="莫怀远", born=date(1990, 1, 2)),
                cen=f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="岑立新", born=date(1986, 9, 9)),
                pu=f.make_person(f.GULIN_VILLAGE, name="蒲永昌", born=date(1987, 3, 3)))
