"""What each kind of document says, composed from the records in one language.

``compose(subject, body)`` returns the content of a document in both languages
(Chinese, the document's language, and English), as plain JSON: the document keeps it
as issued, and every later rendering (the English version, the marked copy of a
superseded document) is set from it rather than from records that may have changed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from programmes.models import Application, Call
from programmes.models import Kind as ProgrammeKind

from .models import IssuingBody, Kind

LANGUAGES = ("zh-hans", "en")
DOCUMENT_LANGUAGE = "zh-hans"


@dataclass
class Subject:
    """Whom and what a document concerns, and when it is dated."""

    kind: str
    on: date
    call: Call | None = None
    region: object = None
    application: Application | None = None
    applications: list = field(default_factory=list)
    comment: str = ""
    opened_at: datetime | None = None
    #: The record of ``aftercare`` a document after the decision is about (an obligation,
    #: a claw-back, an insurance claim); None for the others.
    record: object = None


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _en_or(obj, name: str) -> str:
    """The English text of ``obj.<name>`` when reading English and there is one."""
    value = getattr(obj, name, "") or ""
    if english():
        return getattr(obj, f"{name}_en", "") or value
    return value


def day_text(day: date) -> str:
    """A document's dates: 2025年6月3日, or 3 June 2025."""
    if english():
        return date_format(day, "j F Y")
    return f"{day.year}年{day.month}月{day.day}日"


def money_text(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


def enterprise_name(enterprise) -> str:
    return _en_or(enterprise, "name")


def region_name(region) -> str:
    return _en_or(region, "name") if region is not None else ""


def call_title(call) -> str:
    return _en_or(call, "title")


def programme_name(programme) -> str:
    return _en_or(programme, "name")


def tier_text(application) -> str:
    """The tier or level sought, as its label."""
    detail = application.detail
    for name in ("tier", "level_sought", "category"):
        if detail is not None and getattr(detail, name, ""):
            return str(getattr(detail, f"get_{name}_display")())
    return ""


def body_texts(body: IssuingBody) -> dict:
    return {
        "name": _en_or(body, "name"),
        "header": _en_or(body, "header"),
        "signature": _en_or(body, "signature"),
        "contact": body.contact,
    }


def _row_facts(application) -> dict:
    return {
        "enterprise": enterprise_name(application.enterprise),
        "credit_code": application.enterprise.unified_social_credit_code or "",
        "region": region_name(application.region),
        "subject": application.headline,
        "tier": tier_text(application),
        "requested": money_text(application.requested_amount),
        "awarded": money_text(application.awarded_amount),
    }


def _table(columns: list[tuple[str, str]], applications) -> dict:
    rows = []
    for number, application in enumerate(applications, start=1):
        facts = _row_facts(application)
        rows.append([str(number), *(facts[key] for key, _label in columns)])
    return {
        "columns": [pgettext("table column", "No."), *(label for _key, label in columns)],
        "rows": rows,
    }


def _labels() -> dict:
    return {
        "enterprise": _("Enterprise"),
        "credit_code": _("Unified social credit code"),
        "region": pgettext("document", "County"),
        "subject": _("Product, project or platform"),
        "tier": _("Tier or level"),
        "requested": _("Amount requested"),
        "awarded": _("Amount awarded"),
    }


def _call_subject(subject: Subject) -> list[list[str]]:
    labels = _labels()
    lines = [[_("Call"), call_title(subject.call)]]
    if subject.region is not None:
        lines.append([labels["region"], region_name(subject.region)])
    return lines


def _application_subject(application) -> list[list[str]]:
    labels = _labels()
    return [
        [labels["enterprise"], enterprise_name(application.enterprise)],
        [labels["subject"], application.headline],
        [_("Call"), call_title(application.call)],
    ]


# --- One composer per kind -------------------------------------------------------------


def _public_notice(subject: Subject, body: IssuingBody) -> dict:
    call = subject.call
    opened = subject.opened_at or timezone.make_aware(datetime.combine(subject.on, time(9)))
    # The last day it runs: a notice in working days ends at that day's midnight.
    last_day = timezone.localdate(call.notice_ends_at(opened) - timedelta(microseconds=1))
    period = (
        ngettext("%(days)s working day", "%(days)s working days", call.public_notice_days)
        if call.notice_in_working_days
        else ngettext("%(days)s day", "%(days)s days", call.public_notice_days)
    ) % {"days": call.public_notice_days}
    labels = _labels()
    paragraphs = [
        _(
            "Following the enterprises' applications, the counties' recommendations, the "
            "bureau's formal check and expert review, the %(count)s applications listed "
            "below are proposed for “%(call)s” and are published for public notice."
        )
        % {"count": len(subject.applications), "call": call_title(call)},
        _(
            "The notice runs from %(start)s to %(end)s (%(period)s). Whoever objects may "
            "write to the bureau within that period, giving their name, contact and the facts "
            "and evidence of the objection; an objection without them is not considered."
        )
        % {
            "start": day_text(timezone.localdate(opened)),
            "end": day_text(max(last_day, timezone.localdate(opened))),
            "period": period,
        },
    ]
    if body.contact:
        paragraphs.append(_("Contact: %(contact)s") % {"contact": body.contact})
    return {
        "title": _("Public notice of the applications proposed for “%(call)s”")
        % {"call": call_title(call)},
        "addressee": "",
        "paragraphs": paragraphs,
        "table": _table(
            [
                ("enterprise", labels["enterprise"]),
                ("region", labels["region"]),
                ("subject", labels["subject"]),
                ("tier", labels["tier"]),
            ],
            subject.applications,
        ),
        "subject": _call_subject(subject),
    }


def _results_announcement(subject: Subject, body: IssuingBody) -> dict:
    call = subject.call
    labels = _labels()
    paragraphs = [
        _(
            "The public notice of the applications proposed for “%(call)s” has ended. The "
            "%(count)s applications listed below are selected."
        )
        % {"call": call_title(call), "count": len(subject.applications)}
    ]
    awarded = [a.awarded_amount for a in subject.applications if a.awarded_amount is not None]
    columns = [
        ("enterprise", labels["enterprise"]),
        ("region", labels["region"]),
        ("subject", labels["subject"]),
        ("tier", labels["tier"]),
    ]
    if awarded:
        paragraphs.append(
            _("The awards total %(amount)s.") % {"amount": money_text(sum(awarded, Decimal(0)))}
        )
        columns.append(("awarded", labels["awarded"]))
    return {
        "title": _("Announcement of the results of “%(call)s”") % {"call": call_title(call)},
        "addressee": "",
        "paragraphs": paragraphs,
        "table": _table(columns, subject.applications),
        "subject": _call_subject(subject),
    }


def _county_letter(subject: Subject, body: IssuingBody) -> dict:
    call = subject.call
    labels = _labels()
    bureau = IssuingBody.objects.filter(is_default=True).first()
    return {
        "title": _("Letter recommending applications to “%(call)s”") % {"call": call_title(call)},
        "addressee": _("%(bureau)s:") % {"bureau": _en_or(bureau, "name")} if bureau else "",
        "paragraphs": [
            _(
                "In accordance with the call “%(call)s”, %(region)s has checked the "
                "applications of its enterprises and recommends the %(count)s listed below, "
                "in the order of recommendation. The summary table is attached."
            )
            % {
                "call": call_title(call),
                "region": region_name(subject.region),
                "count": len(subject.applications),
            },
            _(
                "We have checked that the applications' materials are true and complete, and "
                "recommend them."
            ),
        ],
        "table": _table(
            [
                ("enterprise", labels["enterprise"]),
                ("subject", labels["subject"]),
                ("requested", labels["requested"]),
            ],
            subject.applications,
        ),
        "attachment": _("Attachment: summary table of the recommendations"),
        "subject": _call_subject(subject),
    }


#: The columns of a county's summary table (推荐汇总表), in the order counties send them.
SUMMARY_COLUMNS = ("enterprise", "credit_code", "region", "subject", "tier", "requested")


def _county_summary(subject: Subject, body: IssuingBody) -> dict:
    call = subject.call
    labels = _labels()
    return {
        "title": _("Summary table of the recommendations of %(region)s for “%(call)s”")
        % {"region": region_name(subject.region), "call": call_title(call)},
        "addressee": "",
        "paragraphs": [
            _("Recommending unit: %(region)s. Recommended: %(count)s.")
            % {"region": region_name(subject.region), "count": len(subject.applications)}
        ],
        "table": _table([(key, labels[key]) for key in SUMMARY_COLUMNS], subject.applications)
        | {"remarks": _("Remarks")},
        "subject": _call_subject(subject),
    }


def _facts(application, *, amount: bool) -> dict:
    labels = _labels()
    facts = _row_facts(application)
    keys = ["enterprise", "credit_code", "subject", "tier"] + (["awarded"] if amount else [])
    return {
        "columns": [],
        "rows": [[labels[key], facts[key]] for key in keys if facts[key]],
        "facts": True,
    }


def _application_names(application) -> dict:
    """What a notice about one application names: the enterprise, the subject (product,
    project or platform), the programme and the call, in the document's language."""
    return {
        "enterprise": enterprise_name(application.enterprise),
        "subject": application.headline,
        "programme": programme_name(application.programme),
        "call": call_title(application.call),
    }


def _approval_notice(subject: Subject, body: IssuingBody) -> dict:
    application = subject.application
    names = _application_names(application)
    funding = application.kind == ProgrammeKind.PROJECT
    title = (
        _("Notice of funding for “%(subject)s” of %(enterprise)s")
        if funding
        else _("Notice of approval of “%(subject)s” of %(enterprise)s for “%(call)s”")
    ) % names
    paragraphs = [
        _(
            "Your application “%(subject)s” to “%(call)s” has passed the county's "
            "recommendation, the bureau's check, expert review and public notice, and is "
            "approved."
        )
        % names
    ]
    if application.awarded_amount is not None:
        paragraphs.append(
            _("An award of %(amount)s is granted.")
            % {"amount": money_text(application.awarded_amount)}
        )
    if funding:
        paragraphs.append(
            _(
                "The funds are for the project as filed and for nothing else. The bureau "
                "follows the project's progress and its acceptance."
            )
        )
    return {
        "title": title,
        "addressee": _("%(enterprise)s:") % names,
        "paragraphs": paragraphs,
        "table": _facts(application, amount=True),
        "subject": _application_subject(application),
    }


def _certificate(subject: Subject, body: IssuingBody) -> dict:
    application = subject.application
    detail = application.detail
    level = getattr(detail, "get_level_sought_display", lambda: "")()
    names = {
        **_application_names(application),
        "level": level or application.programme.get_level_display(),
    }
    return {
        "title": pgettext("document title", "Certificate"),
        "addressee": "",
        "paragraphs": [
            _(
                "%(enterprise)s: “%(subject)s” is designated under “%(programme)s” "
                "(%(level)s). This certificate is issued in witness thereof."
            )
            % names
        ],
        "table": None,
        "subject": _application_subject(application),
    }


def _reason(subject: Subject) -> list[str]:
    if not subject.comment:
        return []
    return [_("Reason: %(reason)s") % {"reason": subject.comment}]


def _warning_notice(subject: Subject, body: IssuingBody) -> dict:
    application = subject.application
    names = _application_names(application)
    return {
        "title": _("Notice of warning to %(enterprise)s on “%(subject)s”") % names,
        "addressee": _("%(enterprise)s:") % names,
        "paragraphs": [
            _("After evaluation, your “%(subject)s” (%(programme)s) is warned.") % names,
            *_reason(subject),
            _(
                "Put right what the evaluation found. A designation that fails its next "
                "evaluation is revoked."
            ),
        ],
        "table": None,
        "subject": _application_subject(application),
    }


def _revocation_notice(subject: Subject, body: IssuingBody) -> dict:
    application = subject.application
    names = _application_names(application)
    return {
        "title": _("Notice of revocation of “%(subject)s” of %(enterprise)s") % names,
        "addressee": _("%(enterprise)s:") % names,
        "paragraphs": [
            _("The designation of your “%(subject)s” under “%(programme)s” is revoked.") % names,
            *_reason(subject),
            _("From the date of this notice the title may no longer be used."),
        ],
        "table": None,
        "subject": _application_subject(application),
    }


COMPOSERS = {
    Kind.PUBLIC_NOTICE: _public_notice,
    Kind.RESULTS_ANNOUNCEMENT: _results_announcement,
    Kind.COUNTY_LETTER: _county_letter,
    Kind.COUNTY_SUMMARY: _county_summary,
    Kind.APPROVAL_NOTICE: _approval_notice,
    Kind.CERTIFICATE: _certificate,
    Kind.WARNING_NOTICE: _warning_notice,
    Kind.REVOCATION_NOTICE: _revocation_notice,
}

_DETAIL_RELATIONS = ("product_detail", "project_detail", "designation_detail")


def prepare(applications) -> list:
    """The applications with what the composers read, fetched in a few queries."""
    applications = list(applications)
    prefetch_related_objects(
        applications,
        "enterprise",
        "region",
        "call__programme",
        "programme",
        *_DETAIL_RELATIONS,
    )
    return applications


def compose(subject: Subject, body: IssuingBody) -> dict:
    """The document's content in each language, with what identifies the issuing body."""
    if subject.application is not None:
        (subject.application,) = prepare([subject.application])
    subject.applications = prepare(subject.applications)
    content = {
        "application_ids": [application.pk for application in subject.applications],
        "seal": body.seal.name if body.seal else "",
    }
    for language in LANGUAGES:
        with translation.override(language):
            texts = COMPOSERS[subject.kind](subject, body)
            texts["body"] = body_texts(body)
            texts["date"] = day_text(subject.on)
            texts["kind"] = str(Kind(subject.kind).label)
            content[language] = texts
    return content
