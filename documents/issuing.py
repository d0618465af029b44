"""The documents the workflow's moves issue, registered in ``programmes.hooks`` and run
inside the moves' own transaction: a document fails, the moves are undone.

- a county's recommendations for a call: its letter and summary table, listing every
  application of the county that holds a place of the call's quota, in the order
  recommended; a later recommendation issues new ones that supersede them;
- opening the public notice: one notice per call for the applications opened together;
- granting: the approval or funding notice, or for a designation its certificate;
- closing a round (``public_notice_confirm``): the announcement of the results granted;
- warning and revoking a designation: the warning or revocation notice, with the reason.

``grant_documents_issue`` issues afterwards the certificates (or approval and funding
notices) of a call's granted applications that hold none: those granted before the
bureau had an issuing body, or entered as granted by staff. Admin (Documents → *Issue
the certificates of a call*) and ``manage.py issue_certificates`` run it.

Until the bureau has an issuing body (admin, Issuing bodies), moves issue nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.hooks import MoveBatch
from programmes.models import Application
from programmes.models import Kind as ProgrammeKind
from programmes.workflow import HOLDS_QUOTA_PLACE, Status

from .compose import Subject
from .models import Document, IssuingBody, Kind
from .services import document_issue

ON_MOVE = {"warn": Kind.WARNING_NOTICE, "revoke": Kind.REVOCATION_NOTICE}
#: The moves that issue a document.
ISSUING_MOVES = frozenset({"recommend", "open_public_notice", "grant", *ON_MOVE})


def grant_kind(application) -> str:
    if application.kind == ProgrammeKind.DESIGNATION:
        return Kind.CERTIFICATE
    return Kind.APPROVAL_NOTICE


def county_recommendations(call, region_id) -> list[Application]:
    """The county's applications holding a place of the call's quota, in the order of
    their (latest) recommendation."""
    return list(
        Application.objects.filter(
            pk__in=call.applications.filter(HOLDS_QUOTA_PLACE, region_id=region_id).values("pk")
        )
        .annotate(recommended_at=Max("events__at", filter=Q(events__move="recommend")))
        .order_by("recommended_at", "pk")
    )


def _issue_county_documents(batch: MoveBatch) -> None:
    groups = {}
    for made in batch.of("recommend"):
        application = made.application
        groups.setdefault((application.call_id, application.region_id), made)
    for made in groups.values():
        application = made.application
        call, region = application.call, application.region
        listed = county_recommendations(call, region.pk)
        on = timezone.localdate(made.at)
        for kind in (Kind.COUNTY_LETTER, Kind.COUNTY_SUMMARY):
            current = Document.objects.current().filter(kind=kind, call=call, region=region).first()
            document_issue(
                subject=Subject(kind=kind, on=on, call=call, region=region, applications=listed),
                actor=made.actor,
                supersedes=current,
                reason=_("The county's recommendations changed.") if current else "",
                now=made.at,
            )


def _issue_public_notices(batch: MoveBatch) -> None:
    by_call = defaultdict(list)
    for made in batch.of("open_public_notice"):
        by_call[made.application.call_id].append(made)
    for moves in by_call.values():
        first = moves[0]
        document_issue(
            subject=Subject(
                kind=Kind.PUBLIC_NOTICE,
                on=timezone.localdate(first.at),
                call=first.application.call,
                applications=[made.application for made in moves],
                opened_at=first.at,
            ),
            actor=first.actor,
            now=first.at,
        )


def _issue_to_applications(batch: MoveBatch) -> None:
    for made in batch.moves:
        if made.move == "grant":
            kind = grant_kind(made.application)
        elif made.move in ON_MOVE:
            kind = ON_MOVE[made.move]
        else:
            continue
        document_issue(
            subject=Subject(
                kind=kind,
                on=timezone.localdate(made.at),
                application=made.application,
                comment=made.comment,
            ),
            actor=made.actor,
            now=made.at,
        )


def _issue_announcement(batch: MoveBatch) -> None:
    call = batch.closing_round
    if call is None:
        return
    granted = [made for made in batch.of("grant") if made.application.call_id == call.pk]
    if not granted:
        return
    last = granted[-1]
    document_issue(
        subject=Subject(
            kind=Kind.RESULTS_ANNOUNCEMENT,
            on=timezone.localdate(last.at),
            call=call,
            applications=[made.application for made in granted],
        ),
        actor=last.actor,
        now=last.at,
    )


def issue_for_moves(batch: MoveBatch) -> None:
    """Every document the batch's moves issue (``programmes.hooks.register_after_moves``)."""
    if not any(made.move in ISSUING_MOVES for made in batch.moves):
        return
    if not IssuingBody.objects.filter(is_default=True).exists():
        return
    _issue_county_documents(batch)
    _issue_public_notices(batch)
    _issue_to_applications(batch)
    _issue_announcement(batch)


#: The states in which a grant's document (approval or funding notice, certificate)
#: holds: granted, and for a designation later warned or expired.
GRANT_HOLDS = (Status.GRANTED, Status.WARNED, Status.EXPIRED)


@dataclass
class GrantIssue:
    """What ``grant_documents_issue`` did: documents issued and applications skipped as
    already holding theirs."""

    issued: list[Document] = field(default_factory=list)
    skipped: int = 0


def grant_documents_due(call) -> QuerySet[Application]:
    """The call's granted applications, in a steady order (each is issued its
    certificate or notice unless it holds one in force)."""
    return call.applications.filter(status__in=GRANT_HOLDS).order_by("pk")


def _holds_grant_document(application) -> bool:
    return (
        Document.objects.current()
        .filter(application=application, kind=grant_kind(application))
        .exists()
    )


def grant_documents_issue(*, call, actor, progress=None) -> GrantIssue:
    """Issue the certificate (designations) or the approval or funding notice of each
    granted application of ``call`` that holds none in force; those that hold one are
    skipped, so running it again issues nothing twice.

    Each application is issued in a transaction of its own, under its row lock: two runs
    at once never issue one application two, and an error stops the run with what came
    before it kept. ``progress(done, total)`` is called after each application.
    """
    if not IssuingBody.objects.filter(is_default=True).exists():
        raise ValidationError(
            _("No issuing body is set up: add the bureau's in admin (Issuing bodies).")
        )
    result = GrantIssue()
    ids = list(grant_documents_due(call).values_list("pk", flat=True))
    for done, pk in enumerate(ids, start=1):
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=pk)
            if _holds_grant_document(application):
                result.skipped += 1
            else:
                result.issued.append(
                    document_issue(
                        subject=Subject(
                            kind=grant_kind(application),
                            on=timezone.localdate(),
                            application=application,
                        ),
                        actor=actor,
                    )
                )
        if progress is not None:
            progress(done, len(ids))
    return result
