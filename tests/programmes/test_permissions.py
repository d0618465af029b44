"""Permission questions, per role, and their agreement with the selectors."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.utils import timezone

from programmes import permissions
from programmes.models import Attachment
from programmes.selectors import application_list, attachment_list
from programmes.services import application_transition
from programmes.workflow import Status
from tests import factories
from tests.programmes.test_selectors import build_world

pytestmark = pytest.mark.django_db


def test_can_view_agrees_with_application_list_for_every_user_and_row():
    world = build_world()
    for key, user in world.users.items():
        visible = set(application_list(user=user).values_list("pk", flat=True))
        for pair, application in world.apps.items():
            assert permissions.can_view_application(user, application) == (
                application.pk in visible
            ), (key, pair)


def test_can_download_agrees_with_attachment_list_for_every_user_and_file():
    world = build_world()
    world.apps["nanhu", Status.IN_REVIEW].assignments.update(no_conflict_declared_at=timezone.now())
    attachments = []
    for application in world.apps.values():
        attachment = Attachment(application=application, original_name="a.pdf", size=3)
        attachment.file.save("a.pdf", ContentFile(b"pdf"), save=False)
        attachment.save()
        attachments.append(attachment)
    for key, user in world.users.items():
        listed = set(attachment_list(user=user).values_list("pk", flat=True))
        for attachment in attachments:
            assert permissions.can_download_attachment(user, attachment) == (
                attachment.pk in listed
            ), (key, attachment.application.title)


def test_can_download_attachment_follows_can_view(applicant, other_applicant, officer, staff):
    application = factories.ApplicationFactory(
        enterprise=factories.Membership.objects.get(user=applicant).enterprise,
        status=Status.SUBMITTED,
    )
    attachment = Attachment(application=application, original_name="a.pdf", size=1)
    assert permissions.can_download_attachment(applicant, attachment)
    assert permissions.can_download_attachment(officer, attachment)
    assert permissions.can_download_attachment(staff, attachment)
    assert not permissions.can_download_attachment(other_applicant, attachment)
    assert not permissions.can_download_attachment(AnonymousUser(), attachment)


# --- editing ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", Status.values)
def test_applicant_edits_only_drafts_and_returned_applications(enterprise, applicant, status):
    application = factories.ApplicationFactory(enterprise=enterprise, status=status)
    assert permissions.can_edit_application(applicant, application) == (
        status in {Status.DRAFT, Status.RETURNED}
    )


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.GRANTED])
def test_staff_edit_any_application(enterprise, staff, status):
    application = factories.ApplicationFactory(enterprise=enterprise, status=status)
    assert permissions.can_edit_application(staff, application)


@pytest.mark.parametrize("who", ["other_applicant", "officer", "expert"])
def test_nobody_else_edits_an_application(request, enterprise, who):
    user = request.getfixturevalue(who)
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.DRAFT)
    factories.assign(application, request.getfixturevalue("expert"))
    assert not permissions.can_edit_application(user, application)
    assert not permissions.can_edit_application(AnonymousUser(), application)


def test_pending_member_neither_sees_nor_edits(enterprise):
    pending = factories.UserFactory(username="pending", role="Applicants")
    factories.Membership.objects.create(
        user=pending, enterprise=enterprise, status=factories.Membership.Status.PENDING
    )
    application = factories.ApplicationFactory(enterprise=enterprise)
    assert not permissions.can_view_application(pending, application)
    assert not permissions.can_edit_application(pending, application)
    assert not permissions.can_delete_application(pending, application)


# --- deleting ----------------------------------------------------------------------------


def test_fresh_draft_may_be_deleted_by_its_member_and_by_staff(enterprise, applicant, staff):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    assert permissions.can_delete_application(applicant, draft)
    assert permissions.can_delete_application(staff, draft)


@pytest.mark.parametrize("who", ["other_applicant", "officer", "expert"])
def test_others_may_not_delete_a_draft(request, enterprise, who):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    assert not permissions.can_delete_application(request.getfixturevalue(who), draft)
    assert not permissions.can_delete_application(AnonymousUser(), draft)


def test_application_with_a_timeline_may_not_be_deleted_by_anyone(enterprise, applicant, staff):
    application = factories.ApplicationFactory(enterprise=enterprise)
    application_transition(application=application, actor=applicant, transition="submit")
    assert not permissions.can_delete_application(applicant, application)
    assert not permissions.can_delete_application(staff, application)


def test_member_may_not_delete_a_submitted_application(enterprise, applicant):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)
    assert not permissions.can_delete_application(applicant, application)


def test_enterprise_without_applications_may_be_deleted_by_staff_only(
    enterprise, staff, applicant, officer
):
    assert permissions.can_delete_enterprise(staff, enterprise)
    assert not permissions.can_delete_enterprise(applicant, enterprise)
    assert not permissions.can_delete_enterprise(officer, enterprise)
    assert not permissions.can_delete_enterprise(AnonymousUser(), enterprise)


def test_enterprise_with_applications_may_not_be_deleted(enterprise, staff):
    factories.ApplicationFactory(enterprise=enterprise)
    assert not permissions.can_delete_enterprise(staff, enterprise)


# --- who counts as what --------------------------------------------------------------------


def test_superuser_counts_as_bureau_staff():
    root = factories.UserFactory(username="root", is_superuser=True)
    assert permissions.can_manage_programmes(root)
    root.is_active = False
    assert not permissions.can_manage_programmes(root)


@pytest.mark.parametrize("who", ["applicant", "officer", "expert"])
def test_only_staff_manage_programmes(request, staff, who):
    assert permissions.can_manage_programmes(staff)
    assert not permissions.can_manage_programmes(request.getfixturevalue(who))
    assert not permissions.can_manage_programmes(AnonymousUser())


def test_inactive_user_loses_every_role(enterprise, applicant, staff):
    application = factories.ApplicationFactory(enterprise=enterprise)
    for user in (applicant, staff):
        user.is_active = False
        assert not permissions.can_view_application(user, application)
        assert not permissions.can_edit_application(user, application)


def test_member_without_the_applicants_group_is_not_a_member(enterprise):
    user = factories.UserFactory(username="no-role")
    factories.Membership.objects.create(
        user=user, enterprise=enterprise, status=factories.Membership.Status.APPROVED
    )
    assert not permissions.is_member_of(user, enterprise.pk)


def test_city_jurisdiction_covers_its_counties_but_not_other_cities():
    world = build_world()
    officer = world.users["city_officer"]
    assert permissions.covers_region(officer, world.regions["nanhu"].pk)
    assert permissions.covers_region(officer, world.regions["xiuzhou"].pk)
    assert permissions.covers_region(officer, world.regions["jiaxing"].pk)
    assert not permissions.covers_region(officer, world.regions["xiangshan"].pk)
    assert not permissions.covers_region(world.users["staff"], world.regions["nanhu"].pk)


def test_expert_is_assigned_only_where_assigned(enterprise, expert):
    assigned = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    other = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    factories.assign(assigned, expert)
    assert permissions.is_assigned_expert(expert, assigned)
    assert not permissions.is_assigned_expert(expert, other)
    assert permissions.can_view_application(expert, assigned)
    assert not permissions.can_view_application(expert, other)
