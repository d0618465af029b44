"""A person's language is theirs: chosen with the language switch, stored with their
profile, used for every notice they receive and for the pages after they sign in; and
the choices for notices of new work are theirs to change on the account page."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.models import Notification, Profile
from core.notifications import Notice, notify
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def switch(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_the_switch_stores_the_language_of_a_signed_in_person(client, officer):
    client.force_login(officer)

    response = switch(client, "zh-hans", "/inbox/")

    assert response.status_code == 302
    assert response.url == "/inbox/"
    assert Profile.objects.get(user=officer).language == "zh-hans"
    switch(client, "en")
    assert Profile.objects.get(user=officer).language == "en"


def test_the_switch_stores_nothing_for_someone_not_signed_in(client):
    response = switch(client, "zh-hans")

    assert response.cookies[LANGUAGE_COOKIE].value == "zh-hans"
    assert not Profile.objects.exists()


def test_an_unknown_language_is_not_stored(client, officer):
    client.force_login(officer)

    switch(client, "xx")

    assert not Profile.objects.filter(user=officer).exclude(language="").exists()


def test_the_stored_language_opens_the_pages_after_signing_in_anywhere(client, officer):
    Profile.objects.create(user=officer, language="zh-hans")

    client.post(reverse("enterprises:login"), {"username": "officer", "password": PASSWORD})
    response = client.get(reverse("enterprises:dashboard"))

    assert response["Content-Language"] == "zh-hans"
    assert "我的账户" in response.content.decode()
    assert response.cookies[LANGUAGE_COOKIE].value == "zh-hans"


def test_a_language_chosen_before_signing_in_is_kept_with_the_profile(client, expert):
    switch(client, "zh-hans")

    client.post(reverse("enterprises:login"), {"username": "expert", "password": PASSWORD})

    assert Profile.objects.get(user=expert).language == "zh-hans"


def test_a_stored_language_wins_over_the_cookie_of_the_browser_used(client, expert):
    Profile.objects.create(user=expert, language="en")
    switch(client, "zh-hans")

    client.post(reverse("enterprises:login"), {"username": "expert", "password": PASSWORD})
    response = client.get(reverse("enterprises:dashboard"))

    assert response["Content-Language"] == "en"
    assert Profile.objects.get(user=expert).language == "en"


def test_notify_writes_each_notice_in_its_recipients_language(applicant, officer):
    Profile.objects.create(user=applicant, language="zh-hans")
    Profile.objects.create(user=officer, language="en")
    notice = Notice(
        subject=gettext_lazy("Programme Desk"),
        body=gettext_lazy("Programme Desk"),
        message=gettext_lazy("Programme Desk"),
    )

    notify(users=[applicant, officer], notice=notice)

    messages = dict(Notification.objects.values_list("user__username", "message"))
    assert messages == {"applicant": "项目申报管理平台", "officer": "Programme Desk"}
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {applicant.email: "项目申报管理平台", officer.email: "Programme Desk"}


def test_someone_who_never_chose_reads_the_sites_language(applicant, settings):
    settings.LANGUAGE_CODE = "zh-hans"

    notify(
        users=[applicant],
        notice=Notice(subject="s", body="b", message=gettext_lazy("Programme Desk")),
    )

    assert Notification.objects.get().message == "项目申报管理平台"


def test_the_account_page_changes_the_new_work_switches(client, officer):
    client.force_login(officer)
    page = client.get(reverse("enterprises:dashboard"))
    assert 'name="new_work_by_email"' in page.content.decode()

    response = client.post(reverse("enterprises:new-work-notices"), {"new_work_in_app": "on"})

    assert response.url == reverse("enterprises:dashboard")
    profile = Profile.objects.get(user=officer)
    assert (profile.new_work_in_app, profile.new_work_by_email) == (True, False)
    page = client.get(reverse("enterprises:dashboard"))
    html = page.content.decode()
    assert 'name="new_work_in_app" id="id_new_work_in_app" checked' in html
    assert 'name="new_work_by_email" id="id_new_work_by_email" checked' not in html


def test_applicants_have_no_new_work_switches(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("enterprises:dashboard")).context["notices_form"] is None
    assert client.post(reverse("enterprises:new-work-notices"), {}).status_code == 404


def test_new_work_switches_apply_to_each_person_apart(applicant, officer):
    factories.UserFactory(username="nobody")
    Profile.objects.create(user=officer, new_work_in_app=False, new_work_by_email=False)

    told = notify(users=[applicant, officer], notice=Notice("s", "b", "m"), new_work=True)

    assert told == [applicant]
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["applicant"]
