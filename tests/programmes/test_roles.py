"""The four roles: groups made by the data migration, with sensible model permissions."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission

from core import roles
from tests import factories

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("programmes.migrations.0002_roles")


def codenames(role):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_the_four_groups_exist_under_the_names_the_code_uses():
    assert set(roles.ALL_ROLES) == {"Bureau staff", "County officers", "Experts", "Applicants"}
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    for role in roles.ALL_ROLES:
        assert codenames(role), f"{role} has no permissions"


def test_staff_run_applications_and_outcomes():
    staff = codenames(roles.BUREAU_STAFF)
    for model in ("application", "call", "programme", "designation", "evaluation", "enterprise"):
        app = "enterprises" if model == "enterprise" else "programmes"
        for action in ("view", "add", "change", "delete"):
            assert f"{app}.{action}_{model}" in staff


def test_nobody_adds_changes_or_deletes_timeline_events():
    for role in roles.ALL_ROLES:
        granted = codenames(role)
        for action in ("add", "change", "delete"):
            assert f"programmes.{action}_applicationevent" not in granted, role
    assert "programmes.view_applicationevent" in codenames(roles.BUREAU_STAFF)


def test_applicants_cannot_delete_applications_or_touch_decisions():
    applicant = codenames(roles.APPLICANTS)
    assert "programmes.add_application" in applicant
    assert "programmes.delete_application" not in applicant
    for model in ("designation", "evaluation", "disbursement", "reviewassignment", "reviewscore"):
        for action in ("add", "change", "delete"):
            assert f"programmes.{action}_{model}" not in applicant
    assert "enterprises.change_jurisdiction" not in applicant


def test_county_officers_and_experts_only_read_applications():
    for role in (roles.COUNTY_OFFICERS, roles.EXPERTS):
        granted = codenames(role)
        assert "programmes.view_application" in granted
        assert not {p for p in granted if p.startswith("programmes.") and "_application" in p} - {
            "programmes.view_application",
            "programmes.view_applicationevent",
        }
        assert "programmes.add_designation" not in granted
        assert not any(p.startswith("enterprises.delete_") for p in granted)


def test_experts_fill_in_score_sheets():
    expert = codenames(roles.EXPERTS)
    assert {"programmes.add_reviewscore", "programmes.change_reviewscore"} <= expert
    assert "programmes.add_reviewassignment" not in expert


def test_group_permissions_reach_the_user():
    staff = factories.staff_user(username="staff")
    applicant = factories.UserFactory(username="applicant", role=roles.APPLICANTS)
    assert staff.has_perm("programmes.change_application")
    assert not applicant.has_perm("programmes.delete_application")
    assert not staff.has_perm("programmes.change_applicationevent")


def test_role_helpers_follow_group_membership():
    expert = factories.expert_user(username="expert")
    assert roles.is_expert(expert)
    assert not roles.is_bureau_staff(expert)
    assert not roles.is_applicant(expert)
    assert not roles.is_county_officer(expert)
    expert.is_active = False
    assert not roles.is_expert(expert)


def test_role_helpers_refuse_anonymous_and_none():
    from django.contrib.auth.models import AnonymousUser

    for nobody in (AnonymousUser(), None):
        assert not any(
            check(nobody)
            for check in (
                roles.is_bureau_staff,
                roles.is_county_officer,
                roles.is_expert,
                roles.is_applicant,
            )
        )


def test_the_models_moved_to_core_keep_the_roles_permissions():
    """Notices moved from programmes to core: each role keeps what it had on them, and
    no permission on the old model is left behind."""
    staff, applicants = codenames(roles.BUREAU_STAFF), codenames(roles.APPLICANTS)
    assert {f"core.{action}_notification" for action in ("view", "add", "change", "delete")} <= (
        staff
    )
    assert {"core.view_notification", "core.change_notification"} <= applicants
    assert not any(name.startswith("programmes.") and "notification" in name for name in staff)
    assert (
        not Permission.objects.filter(content_type__app_label="programmes")
        .filter(codename__endswith="_notification")
        .exists()
    )
