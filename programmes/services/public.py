"""Public notice: objections from anyone, and granting once the notice period is over.

An objection is recorded and nothing else happens: staff read it and, if it holds,
make the ``register_objection`` move themselves.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..exceptions import TransitionRefused
from ..models import Application, Call, Objection, RewardRule
from ..selectors.public import applications_in_notice, notice_entry
from ..workflow import Status
from .applications import application_transition


def objection_lodge(
    *, application: Application, name: str, contact: str, text: str, now: datetime | None = None
) -> Objection:
    """Record an objection against an application whose public notice is running."""
    with transaction.atomic():
        annotated = (
            applications_in_notice().select_for_update(of=("self",)).filter(pk=application.pk)
        )
        locked = annotated.first()
        if locked is None:
            raise ValidationError(_("This application is not in public notice."))
        entry = notice_entry(locked, now=now)
        if not entry.running:
            raise ValidationError(
                _("The public notice of this application has ended; objections are closed.")
            )
        objection = Objection(
            application=locked,
            name=(name or "").strip(),
            contact=(contact or "").strip(),
            text=(text or "").strip(),
        )
        objection.full_clean()
        objection.save()
    return objection


def _default_award(application: Application):
    """The programme's reward for the application's tier or level, when one rule matches."""
    detail = application.detail
    tier = getattr(detail, "tier", "") or getattr(detail, "level_sought", "")
    if not tier:
        return None
    rule = RewardRule.objects.filter(programme_id=application.call.programme_id, tier=tier).first()
    return rule.amount if rule else None


def public_notice_grant(
    *,
    application: Application,
    actor,
    comment: str = "",
    now: datetime | None = None,
    expected_status: str | None = None,
) -> Application:
    """Grant an application whose public notice has run its full period.

    Refuses while the notice is still running (or when no notice was ever opened).
    Without an awarded amount, the award becomes the programme's reward for the
    application's tier or level, if the programme has a rule for it.
    """
    with transaction.atomic():
        locked = (
            applications_in_notice()
            .select_for_update(of=("self",))
            .filter(pk=application.pk)
            .first()
        )
        if locked is not None:
            entry = notice_entry(locked, now=now)
            if entry.ends_at is None:
                raise TransitionRefused(
                    _("“%(title)s” has no record of when its public notice opened."),
                    params={"title": locked.title},
                )
            if entry.running:
                raise TransitionRefused(
                    _("The public notice of “%(title)s” runs until %(end)s; grant it after that."),
                    params={
                        "title": locked.title,
                        # The same form as the notice pages print.
                        "end": timezone.localtime(entry.ends_at).strftime("%Y-%m-%d %H:%M"),
                    },
                )
        # Any other refusal (wrong state, not staff) comes from the transition itself.
        application_transition(
            application=application,
            actor=actor,
            transition="grant",
            comment=comment,
            expected_status=expected_status,
        )
        if application.awarded_amount is None and application.status == Status.GRANTED:
            award = _default_award(application)
            if award is not None:
                application.awarded_amount = award
                application.save(update_fields=["awarded_amount", "updated_at"])
    return application


@dataclass
class NoticeConfirmation:
    granted: list[Application] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)


def public_notice_confirm(*, call: Call, actor, now: datetime | None = None) -> NoticeConfirmation:
    """Grant each of the call's applications whose notice has ended; list the others.

    Each application is granted in its own transaction, so one refusal does not
    hold back the rest.
    """
    if not access.may(actor, "confirm_public_notice"):
        raise ValidationError(_("Only bureau staff confirm a public notice."))
    result = NoticeConfirmation()
    for application in applications_in_notice(call=call):
        try:
            public_notice_grant(application=application, actor=actor, now=now)
        except ValidationError as error:
            result.refused.append((application, " ".join(error.messages)))
        else:
            result.granted.append(application)
    return result
