"""Access rules, per role, and the agreement of each row check with its list."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from enterprises import access as enterprise_access
from programmes import access
from programmes.access import application_list, attachment_list
from programmes.models import Attachment
from programmes.services import application_move
from programmes.workflow import Status
from tests import factories
from tests.programmes.test_selectors import build_world

pytestmark = pytest.mark.django_db


def test_can_view_agrees_with_application_list_for_every_user_and_row():
    world = build_world()
    for key, user in world.users.items():
        visible = set(application_list(user=user).values_list("pk", flat=True))
        for pair, application in world.apps.items():
            assert access.can_view_application(user, application) == (application.pk in visible), (
                key,
                pair,
            )


def test_the_download_agrees_with_attachment_list_for_every_user_and_file(client):
    world = build_world()
    world.apps["nanhu", Status.IN_REVIEW].assignments.update(no_conflict_declared_at=timezone.now())
    attachments = []
    for application in world.apps.values():
        attachment = Attachment(application=application, original_name="a.pdf", size=3)
        attachment.file.save("a.pdf", ContentFile(b"pdf"), save=False)
        attachment.save()
        attachments.append(attachment)
    answers = set()
    for key, user in world.users.items():
        if not user.is_authenticated:
            continue
        client.force_login(user)
        listed = set(attachment_list(user=user).values_list("pk", flat=True))
        for attachment in attachments:
            url = reverse("programmes:attachment-download", args=[attachment.pk])
            expected = 200 if attachment.pk in listed else 404
            assert client.get(url).status_code == expected, (key, attachment.application.title)
            answers.add(expected)
    assert answers == {200, 404}


def test_a_file_follows_its_application(applicant, other_applicant, officer, staff):
    application = factories.ApplicationFactory(
        enterprise=factories.Membership.objects.get(user=applicant).enterprise,
        status=Status.SUBMITTED,
    )
    attachment = Attachment.objects.create(application=application, original_name="a.pdf", size=1)

    def downloads(user):
        return attachment_list(user=user).filter(pk=attachment.pk).exists()

    assert downloads(applicant)
    assert downloads(officer)
    assert downloads(staff)
    assert not downloads(other_applicant)
    assert not downloads(AnonymousUser())


# --- editing ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", Status.values)
def test_applicant_edits_only_drafts_and_returned_applications(enterprise, applicant, status):
    application = factories.ApplicationFactory(enterprise=enterprise, status=status)
    assert access.can_edit_application(applicant, application) == (
        status in {Status.DRAFT, Status.RETURNED}
    )


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.GRANTED])
def test_staff_edit_any_application(enterprise, staff, status):
    application = factories.ApplicationFactory(enterprise=enterprise, status=status)
    assert access.can_edit_application(staff, application)


@pytest.mark.parametrize("who", ["other_applicant", "officer", "expert"])
def test_nobody_else_edits_an_application(request, enterprise, who):
    user = request.getfixturevalue(who)
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.DRAFT)
    factories.assign(application, request.getfixturevalue("expert"))
    assert not access.can_edit_application(user, application)
    assert not access.can_edit_application(AnonymousUser(), application)


def test_pending_member_neither_sees_nor_edits(enterprise):
    pending = factories.UserFactory(username="pending", role="Applicants")
    factories.Membership.objects.create(
        user=pending, enterprise=enterprise, status=factories.Membership.Status.PENDING
    )
    application = factories.ApplicationFactory(enterprise=enterprise)
    assert not access.can_view_application(pending, application)
    assert not access.can_edit_application(pending, application)
    assert not access.can_delete_application(pending, application)


# --- deleting ----------------------------------------------------------------------------


def test_fresh_draft_may_be_deleted_by_its_member_and_by_staff(enterprise, applicant, staff):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    assert access.can_delete_application(applicant, draft)
    assert access.can_delete_application(staff, draft)


@pytest.mark.parametrize("who", ["other_applicant", "officer", "expert"])
def test_others_may_not_delete_a_draft(request, enterprise, who):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    assert not access.can_delete_application(request.getfixturevalue(who), draft)
    assert not access.can_delete_application(AnonymousUser(), draft)


def test_application_with_a_timeline_may_not_be_deleted_by_anyone(enterprise, applicant, staff):
    application = factories.ready_to_file(factories.ApplicationFactory(enterprise=enterprise))
    application_move(application=application, actor=applicant, move="submit")
    assert not access.can_delete_application(applicant, application)
    assert not access.can_delete_application(staff, application)


def test_member_may_not_delete_a_submitted_application(enterprise, applicant):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)
    assert not access.can_delete_application(applicant, application)


def test_enterprise_without_applications_may_be_deleted_by_staff_only(
    enterprise, staff, applicant, officer
):
    assert enterprise_access.can_delete_enterprise(staff, enterprise)
    assert not enterprise_access.can_delete_enterprise(applicant, enterprise)
    assert not enterprise_access.can_delete_enterprise(officer, enterprise)
    assert not enterprise_access.can_delete_enterprise(AnonymousUser(), enterprise)


def test_enterprise_with_applications_may_not_be_deleted(enterprise, staff):
    factories.ApplicationFactory(enterprise=enterprise)
    assert not enterprise_access.can_delete_enterprise(staff, enterprise)


# --- who counts as what --------------------------------------------------------------------


def test_superuser_counts_as_bureau_staff():
    root = factories.UserFactory(username="root", is_superuser=True)
    assert access.may(root, "manage_reference_data")
    root.is_active = False
    assert not access.may(root, "manage_reference_data")


@pytest.mark.parametrize("who", ["applicant", "officer", "expert"])
def test_only_staff_manage_programmes(request, staff, who):
    assert access.may(staff, "manage_reference_data")
    assert not access.may(request.getfixturevalue(who), "manage_reference_data")
    assert not access.may(AnonymousUser(), "manage_reference_data")


def test_inactive_user_loses_every_role(enterprise, applicant, staff):
    application = factories.ApplicationFactory(enterprise=enterprise)
    for user in (applicant, staff):
        user.is_active = False
        assert not access.can_view_application(user, application)
        assert not access.can_edit_application(user, application)


def test_member_without_the_applicants_group_is_not_a_member(enterprise):
    user = factories.UserFactory(username="no-role")
    factories.Membership.objects.create(
        user=user, enterprise=enterprise, status=factories.Membership.Status.APPROVED
    )
    assert not enterprise_access.is_member_of(user, enterprise.pk)


def test_city_jurisdiction_covers_its_counties_but_not_other_cities():
    world = build_world()
    officer = world.users["city_officer"]
    assert enterprise_access.covers_region(officer, world.regions["nanhu"].pk)
    assert enterprise_access.covers_region(officer, world.regions["xiuzhou"].pk)
    assert enterprise_access.covers_region(officer, world.regions["jiaxing"].pk)
    assert not enterprise_access.covers_region(officer, world.regions["xiangshan"].pk)
    assert not enterprise_access.covers_region(world.users["staff"], world.regions["nanhu"].pk)


def test_expert_is_assigned_only_where_assigned(enterprise, expert):
    assigned = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    other = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    factories.assign(assigned, expert)
    assert access.can_view_assignment(expert, assigned.assignments.get())
    assert not other.assignments.filter(access.own_assignment_scope(expert)).exists()
    assert access.can_view_application(expert, assigned)
    assert not access.can_view_application(expert, other)


# --- capabilities: the whole table, role by role ----------------------------------------------

S, C, E, A = "staff", "officer", "expert", "applicant"
#: Who holds each capability. Written out again here on purpose: a change to
#: ``CAPABILITIES`` must be a change to this table too.
EXPECTED_CAPABILITIES = {
    "use_desk": {S, C, E},
    "view_reference_data": {S, C, E},
    "manage_reference_data": {S},
    "manage_memberships": {S},
    "edit_enterprises": {S},
    "manage_api_tokens": {S},
    "add_application": {S},
    "file_applications": {S, A},
    "assign_experts": {S},
    "view_assignments": {S, E},
    "review_applications": {E},
    "record_outcomes": {S},
    "handle_objections": {S},
    "confirm_public_notice": {S},
    "view_audit_records": {S},
    "queue_email_again": {S},
    "view_dashboard": {S},
    "use_bureau_desk": {S},
    "use_county_desk": {C},
    "use_expert_desk": {E},
    "use_applicant_pages": {A},
    "see_everyones_records": {S},
}


def test_the_capability_table_is_the_one_this_test_expects():
    assert set(access.CAPABILITIES) == set(EXPECTED_CAPABILITIES)


@pytest.mark.parametrize("capability", sorted(EXPECTED_CAPABILITIES))
def test_each_capability_belongs_to_its_roles_only(
    request, capability, staff, officer, expert, applicant
):
    holders = {S: staff, C: officer, E: expert, A: applicant}
    held = {key for key, user in holders.items() if access.may(user, capability)}
    assert held == EXPECTED_CAPABILITIES[capability]
    root = factories.UserFactory(username="root", is_superuser=True)
    assert access.may(root, capability) == (S in EXPECTED_CAPABILITIES[capability])
    assert not access.may(AnonymousUser(), capability)
    assert not access.may(factories.UserFactory(username="nobody"), capability)
    staff.is_active = False
    assert not access.may(staff, capability)


def test_an_unknown_capability_is_an_error_not_a_refusal(staff):
    with pytest.raises(KeyError):
        access.may(staff, "use_dashbaord")
