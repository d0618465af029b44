"""Two enterprises in two Jiaxing districts, every role, and a private record on the far side.

The "foreign" application, its document and its enterprise belong to Xiuzhou;
the applicant, county officer and expert of the world belong to Nanhu. Secret
markers in titles and file names let a test search a whole page for a leak.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from programmes.models import Attachment
from programmes.services.reviews import review_declare_no_conflict
from programmes.workflow import Status
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET = "FOREIGN-SECRET"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Throttle counters live in the cache; every test starts without any."""
    cache.clear()
    yield
    cache.clear()


def attach(application, name, content=PDF):
    attachment = Attachment(
        application=application,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


@dataclass
class World:
    users: dict
    mine: object
    foreign: object
    foreign_file: object
    foreign_enterprise: object


@pytest.fixture
def world(enterprise, other_enterprise, applicant, other_applicant, officer, other_officer, staff):
    expert = factories.expert_user(username="expert")
    call = factories.CallFactory()
    mine = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_REVIEW, title="own application"
    )
    foreign = factories.ApplicationFactory(
        enterprise=other_enterprise,
        call=call,
        status=Status.IN_REVIEW,
        title=f"{SECRET} application",
    )
    assignment = factories.assign(mine, expert)
    review_declare_no_conflict(assignment=assignment, actor=expert)
    other_enterprise.contact_phone = "0573-SECRET"
    other_enterprise.save()
    return World(
        users={
            "applicant": applicant,
            "officer": officer,
            "expert": expert,
            "no_role": factories.UserFactory(username="no-role"),
            # Those on the far side, and the bureau, for the positive checks.
            "other_applicant": other_applicant,
            "other_officer": other_officer,
            "staff": staff,
        },
        mine=mine,
        foreign=foreign,
        foreign_file=attach(foreign, f"{SECRET}.pdf"),
        foreign_enterprise=other_enterprise,
    )
