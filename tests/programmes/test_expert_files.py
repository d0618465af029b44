"""An expert opens an application's documents only after declaring no conflict of interest."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from programmes.access import attachment_list
from programmes.models import Attachment
from tests.factories import ApplicationFactory, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(enterprise):
    application = ApplicationFactory(enterprise=enterprise, status="in_review")
    document = Attachment(
        application=application,
        original_name="report.pdf",
        content_type="application/pdf",
        size=9,
    )
    document.file.save("report.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return document


def test_expert_cannot_download_before_declaring_no_conflict(client, expert, attachment):
    assignment = assign(attachment.application, expert)
    client.force_login(expert)
    url = reverse("programmes:attachment-download", args=[attachment.pk])

    assert client.get(url).status_code == 404
    assert not attachment_list(user=expert).exists()

    assignment.no_conflict_declared_at = timezone.now()
    assignment.save()
    expert.__dict__.pop("_programme_desk_roles", None)

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert attachment_list(user=expert).filter(pk=attachment.pk).exists()
