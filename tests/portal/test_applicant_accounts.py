"""Sign-up, log-in by email or mobile, log-out, password reset and the language switch."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse

from core import roles
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Plum-blossom-2024"


def sign_up(client, **fields):
    data = {"email": "", "mobile": "", "password1": PASSWORD, "password2": PASSWORD, **fields}
    return client.post(reverse("enterprises:signup"), data)


def test_sign_up_with_email_joins_applicants_and_logs_in(client):
    response = sign_up(client, email="Li.Ming@Example.com")

    assert response.status_code == 302
    assert response.url == reverse("enterprises:link")
    user = User.objects.get(email="li.ming@example.com")
    assert user.username == "li.ming@example.com"
    assert user.groups.filter(name=roles.APPLICANTS).exists()
    assert client.get(reverse("enterprises:dashboard")).status_code == 200


def test_sign_up_with_mobile_stores_the_number_as_login(client):
    response = sign_up(client, mobile="+86 138 0573 1234")

    assert response.status_code == 302
    user = User.objects.get(username="13805731234")
    assert user.email == ""
    assert roles.is_applicant(user)


def test_sign_up_refuses_a_number_that_is_not_a_mainland_mobile(client):
    response = sign_up(client, mobile="12805731234")

    assert response.status_code == 200
    assert "11 digits starting with 1" in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_needs_email_or_mobile_and_a_strong_password(client):
    response = sign_up(client)
    assert "Give an email address or a mobile number" in response.content.decode()

    response = sign_up(client, email="a@example.com", password1="12345", password2="12345")
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_refuses_an_email_already_in_use(client):
    factories.UserFactory(username="someone", email="taken@example.com")

    response = sign_up(client, email="TAKEN@example.com")

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "login"),
    [
        ({"email": "wang@example.com"}, "Wang@Example.com"),
        ({"mobile": "13905730000"}, "139 0573 0000"),
        ({"mobile": "13905730000", "email": "both@example.com"}, "both@example.com"),
    ],
)
def test_log_in_with_email_or_mobile(client, fields, login):
    sign_up(client, **fields)
    client.logout()

    response = client.post(reverse("enterprises:login"), {"username": login, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("programmes:inbox")
    assert "_auth_user_id" in client.session


def test_log_in_with_wrong_password_shows_an_error(client):
    sign_up(client, mobile="13905730000")
    client.logout()

    response = client.post(
        reverse("enterprises:login"), {"username": "13905730000", "password": "wrong-password"}
    )

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_still_log_in_with_their_user_name(client):
    factories.staff_user(username="desk-officer")

    response = client.post(
        reverse("enterprises:login"),
        {"username": "desk-officer", "password": "correct-horse-battery"},
    )

    assert response.status_code == 302


def test_log_out_by_post(client):
    sign_up(client, email="out@example.com")

    response = client.post(reverse("enterprises:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_required_pages_send_to_the_portal_login(client):
    response = client.get(reverse("programmes:applications"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("enterprises:login"))


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    sign_up(client, email="reset@example.com")
    client.logout()
    mail.outbox.clear()

    response = client.post(reverse("enterprises:password_reset"), {"email": "reset@example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker.
    new_password = "Another-long-pass-77"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response.url == reverse("enterprises:password_reset_complete")
    # django-axes checks every login against its client: the test client must name one.
    assert client.login(request=HttpRequest(), username="reset@example.com", password=new_password)


def test_language_switch_renders_chinese(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("enterprises:login")}
    )
    assert response.status_code == 302

    page = client.get(reverse("enterprises:login")).content.decode()

    assert 'lang="zh-hans"' in page
    assert "登录" in page  # "Log in"
    assert "密码" in page  # "Password"
