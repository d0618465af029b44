"""``manage.py setup_demo``: documented records, one login per role, an open demo call."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import timezone

from core import roles
from enterprises.models import Enterprise, Jurisdiction, Membership
from programmes.management.commands.setup_demo import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    APPLICANT,
    BUREAU,
    DEMO_USERS,
    EXPERT,
    OFFICER,
)
from programmes.models import Application, Call
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


def setup_demo(*args):
    out = StringIO()
    call_command("setup_demo", "--force", *args, stdout=out)
    return out.getvalue()


def can_log_in(username, password):
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password) is not None


def counts():
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "jurisdictions": Jurisdiction.objects.count(),
        "calls": Call.objects.count(),
        "applications": Application.objects.count(),
        "enterprises": Enterprise.objects.count(),
    }


def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("setup_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not Enterprise.objects.exists()


def test_runs_when_debug_is_on(settings):
    settings.DEBUG = True
    call_command("setup_demo", stdout=StringIO())
    assert User.objects.filter(username=BUREAU.username).exists()


def test_creates_a_login_for_each_role_and_prints_it():
    output = setup_demo()

    for spec in (*DEMO_USERS, None):
        username, password = (
            (spec.username, spec.password) if spec else (ADMIN_USERNAME, ADMIN_PASSWORD)
        )
        assert can_log_in(username, password), username
        assert username in output
        assert password in output
    assert "http://127.0.0.1:8000/" in output

    assert User.objects.get(username=ADMIN_USERNAME).is_superuser
    bureau = User.objects.get(username=BUREAU.username)
    assert bureau.is_staff and roles.is_bureau_staff(bureau)
    assert roles.is_expert(User.objects.get(username=EXPERT.username))
    officer = User.objects.get(username=OFFICER.username)
    assert roles.is_county_officer(officer)
    assert list(officer.jurisdictions.values_list("region__code", flat=True)) == ["330483"]
    applicant = User.objects.get(username=APPLICANT.username)
    assert roles.is_applicant(applicant) and not applicant.is_staff
    membership = applicant.memberships.get()
    assert membership.enterprise.name == "Jiaxin Jinsanta Silk Garments Co., Ltd."
    assert (membership.role, membership.status) == (
        Membership.Role.OWNER,
        Membership.Status.APPROVED,
    )


def test_loads_the_documented_records():
    setup_demo()
    assert Enterprise.objects.count() == 5
    assert Application.objects.filter(source="article").count() == 4


def test_adds_an_open_demo_call_when_none_is_open():
    setup_demo()
    today = timezone.localdate()
    call = Call.objects.get(code__startswith="demo-")
    assert call.programme.code == "zj-first-batch-new-materials"
    assert call.opens_on == today - timedelta(days=7)
    assert call.closes_on == today + timedelta(days=60)
    assert call.is_open(today)
    assert "demo" in call.title and "demo" in call.source.lower()


def test_adds_no_demo_call_when_a_call_is_open():
    today = timezone.localdate()
    factories.CallFactory(opens_on=today, closes_on=today + timedelta(days=1))
    setup_demo()
    assert not Call.objects.filter(code__startswith="demo-").exists()


def test_running_again_changes_nothing():
    setup_demo()
    before = counts()
    output = setup_demo()
    assert counts() == before
    assert "0 added" in output


def test_running_again_keeps_edits_to_documented_records_and_changed_passwords():
    setup_demo()
    zhaohui = Enterprise.objects.get(name="Zhejiang Zhaohui Filter Technology Co Ltd")
    zhaohui.address = "Edited by the bureau"
    zhaohui.save()
    applicant = User.objects.get(username=APPLICANT.username)
    applicant.set_password("a-new-private-passphrase")
    applicant.save()

    output = setup_demo()

    zhaohui.refresh_from_db()
    assert zhaohui.address == "Edited by the bureau"
    assert can_log_in(APPLICANT.username, "a-new-private-passphrase")
    assert APPLICANT.password not in output


def test_reset_passwords_restores_the_published_ones():
    setup_demo()
    applicant = User.objects.get(username=APPLICANT.username)
    applicant.set_password("a-new-private-passphrase")
    applicant.save()

    setup_demo("--reset-passwords")

    assert can_log_in(APPLICANT.username, APPLICANT.password)


def test_keeps_an_existing_superuser_instead_of_adding_admin():
    User.objects.create_superuser("chief", "chief@example.com", "chief-own-passphrase")
    setup_demo()
    assert not User.objects.filter(username=ADMIN_USERNAME).exists()


def test_refuses_when_a_reserved_key_holds_another_record():
    other = factories.ApplicationFactory(id=1001, title="Somebody else's application")
    with pytest.raises(CommandError, match="1001"):
        setup_demo()
    other.refresh_from_db()
    assert other.title == "Somebody else's application"
    assert not User.objects.filter(username=BUREAU.username).exists()
