"""Documents in admin: the issued documents (read-only, filtered by kind, call and year),
a preview of what a move would issue, corrections, and the issuing bodies with their
seals."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import admin as core_admin
from enterprises.access import may as desk_may
from enterprises.models import Region
from programmes.access import application_list
from programmes.models import Call
from programmes.workflow import IN_COUNTY_QUEUE, Status

from . import access
from .compose import LANGUAGES, Subject
from .issuing import county_recommendations, grant_documents_due, grant_documents_issue
from .models import (
    AFTERCARE_KINDS,
    APPLICATION_KINDS,
    COUNTY_KINDS,
    SEAL_EXTENSIONS,
    Document,
    IssuingBody,
    Kind,
)
from .services import document_preview, document_reissue, subject_of


def _may(user, capability: str) -> bool:
    if capability in access.CAPABILITIES:
        return access.may(user, capability)
    return desk_may(user, capability)


class DeskAdminMixin(core_admin.DeskAdminMixin):
    may = staticmethod(_may)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Issuing bodies ------------------------------------------------------------------------

SEAL_MIN_PIXELS = 200
SEAL_MAX_PIXELS = 4000


class IssuingBodyForm(forms.ModelForm):
    class Meta:
        model = IssuingBody
        fields = [
            "name",
            "name_en",
            "header",
            "header_en",
            "prefix",
            "signature",
            "signature_en",
            "contact",
            "seal",
            "region",
            "is_default",
        ]

    def clean_seal(self):
        """An image Pillow reads as PNG or JPEG, square enough and of a printable size."""
        seal = self.cleaned_data.get("seal")
        if not seal or not hasattr(seal, "image"):
            return seal  # unchanged, or cleared
        image = seal.image
        if (image.format or "").lower() not in {"png", "jpeg"}:
            raise ValidationError(
                _("The seal must be a PNG or JPEG image (allowed: %(extensions)s).")
                % {"extensions": ", ".join(SEAL_EXTENSIONS)}
            )
        width, height = image.size
        if not (min(width, height) >= SEAL_MIN_PIXELS and max(width, height) <= SEAL_MAX_PIXELS):
            raise ValidationError(
                _("The seal image must be between %(low)s and %(high)s pixels on each side.")
                % {"low": SEAL_MIN_PIXELS, "high": SEAL_MAX_PIXELS}
            )
        if max(width, height) > 1.25 * min(width, height):
            raise ValidationError(_("A seal is round: its image must be about square."))
        return seal


@admin.register(IssuingBody)
class IssuingBodyAdmin(DeskAdminMixin, admin.ModelAdmin):
    form = IssuingBodyForm
    list_display = ["name", "prefix", "region", "is_default", "has_seal"]
    list_filter = ["is_default"]
    search_fields = ["name", "prefix"]
    autocomplete_fields = ["region"]
    readonly_fields = ["seal_preview"]

    def scoped_queryset(self, request):
        return IssuingBody.objects.select_related("region")

    def has_module_permission(self, request):
        return access.may(request.user, "manage_issuing_bodies")

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "manage_issuing_bodies")

    def has_add_permission(self, request):
        return access.may(request.user, "manage_issuing_bodies")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "manage_issuing_bodies")

    def has_delete_permission(self, request, obj=None):
        # A body that issued a document is part of the record (PROTECT refuses it too).
        return access.may(request.user, "manage_issuing_bodies") and (
            obj is None or not obj.documents.exists()
        )

    @admin.display(boolean=True, description=gettext_lazy("seal"))
    def has_seal(self, obj):
        return bool(obj.seal)

    @admin.display(description=gettext_lazy("seal as printed"))
    def seal_preview(self, obj):
        if obj is None or not obj.seal:
            return "—"
        url = reverse("admin:documents_issuingbody_seal", args=[obj.pk])
        return format_html('<img src="{}" alt="" style="width:8rem;height:8rem">', url)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/seal/",
                self.admin_site.admin_view(self.seal_view),
                name="documents_issuingbody_seal",
            ),
            *super().get_urls(),
        ]

    def seal_view(self, request, object_id):
        """The seal image, from private storage, to those who keep the issuing bodies."""
        body = self.get_object(request, unquote(object_id))
        if body is None or not body.seal or not self.has_view_permission(request, body):
            raise Http404
        try:
            with body.seal.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise Http404 from None
        kind = "image/png" if body.seal.name.lower().endswith(".png") else "image/jpeg"
        response = HttpResponse(data, content_type=kind)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- Documents -----------------------------------------------------------------------------


class SupersededFilter(admin.SimpleListFilter):
    title = gettext_lazy("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("In force")), ("no", _("Superseded"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(superseded_by__isnull=True)
        if self.value() == "no":
            return queryset.filter(superseded_by__isnull=False)
        return queryset


class PreviewForm(forms.Form):
    # The documents after the decision are set from their step's record (an obligation, a
    # claw-back, a claim) as the step is made; they are not previewed.
    kind = forms.ChoiceField(
        label=gettext_lazy("kind"),
        choices=[(value, label) for value, label in Kind.choices if value not in AFTERCARE_KINDS],
    )
    application = forms.IntegerField(
        label=gettext_lazy("application (id)"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("For the notices addressed to one application and certificates."),
    )
    call = forms.ModelChoiceField(
        label=gettext_lazy("call"), queryset=Call.objects.all(), required=False
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("county"),
        queryset=Region.objects.exclude(level__in=[Region.Level.PROVINCE, Region.Level.CITY]),
        required=False,
        help_text=gettext_lazy("For a county's letter and summary table."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("language"),
        choices=[(code, code) for code in LANGUAGES],
        initial=LANGUAGES[0],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in APPLICATION_KINDS:
            found = application_list(user=self.user).filter(pk=data.get("application")).first()
            if found is None:
                raise ValidationError(_("Name an application by its id."))
            data["subject"] = Subject(
                kind=kind, on=timezone.localdate(), application=found, comment=_("(the reason)")
            )
        elif kind:
            call = data.get("call")
            if call is None:
                raise ValidationError(_("Choose the call."))
            data["subject"] = self._call_subject(kind, call, data.get("region"))
        return data

    @staticmethod
    def _call_subject(kind, call, region) -> Subject:
        """What the move would issue now: the applications it would list."""
        today = timezone.localdate()
        if kind in COUNTY_KINDS:
            if region is None:
                raise ValidationError(_("Choose the county."))
            waiting = list(call.applications.filter(region=region, status__in=IN_COUNTY_QUEUE))
            listed = county_recommendations(call, region.pk) + waiting
            return Subject(kind=kind, on=today, call=call, region=region, applications=listed)
        status = Status.APPROVED if kind == Kind.PUBLIC_NOTICE else Status.IN_PUBLIC_NOTICE
        listed = list(call.applications.filter(status=status).order_by("pk"))
        return Subject(kind=kind, on=today, call=call, applications=listed)


class GrantDocumentsForm(forms.Form):
    call = forms.ModelChoiceField(
        label=gettext_lazy("call"),
        queryset=Call.objects.order_by("-year", "code"),
        help_text=gettext_lazy(
            "Each granted application of the call that holds no certificate (designations) "
            "or approval or funding notice in force is issued one; the others are skipped."
        ),
    )


@admin.register(Document)
class DocumentAdmin(DeskAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "kind", "issued_on", "issuing_body", "in_force"]
    list_filter = [
        "kind",
        "year",
        SupersededFilter,
        ("call", admin.RelatedOnlyFieldListFilter),
        "issuing_body",
    ]
    list_select_related = ["issuing_body", "superseded_by"]
    search_fields = ["number", "title", "enterprise__name", "application__title"]
    date_hierarchy = "issued_on"
    fields = [
        "number",
        "kind",
        "title",
        "issuing_body",
        "issued_on",
        "issued_at",
        "issued_by",
        "call",
        "region",
        "application",
        "enterprise",
        "sha256",
        "sheet_sha256",
        "supersedes",
        "successor",
        "reason",
        "files",
    ]
    readonly_fields = fields
    actions = None

    def scoped_queryset(self, request):
        return access.document_list(user=request.user)

    @admin.display(boolean=True, description=gettext_lazy("in force"))
    def in_force(self, obj):
        return obj.successor is None

    @admin.display(description=gettext_lazy("superseded by"))
    def successor(self, obj):
        successor = obj.successor
        if successor is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:documents_document_change", args=[successor.pk]),
            successor.number,
        )

    @admin.display(description=gettext_lazy("files and verification"))
    def files(self, obj):
        links = [
            (reverse("documents:pdf", args=[obj.pk]) + "?language=zh-hans", _("PDF")),
            (reverse("documents:pdf", args=[obj.pk]) + "?language=en", _("English version")),
            (reverse("documents:verify", args=[obj.code]), _("Verification page")),
        ]
        if obj.sheet:
            links.insert(1, (reverse("documents:sheet", args=[obj.pk]), _("Spreadsheet")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if (
            obj is not None
            and obj.successor is None
            and access.may(request.user, "issue_documents")
        ):
            context["reissue_url"] = reverse("admin:documents_document_reissue", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="documents_document_preview",
            ),
            path(
                "issue-certificates/",
                self.admin_site.admin_view(self.grant_documents_view),
                name="documents_document_issue_certificates",
            ),
            path(
                "<path:object_id>/reissue/",
                self.admin_site.admin_view(self.reissue_view),
                name="documents_document_reissue",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        certificates_url = reverse("admin:documents_document_issue_certificates")
        call = request.GET.get("call__id__exact", "")
        if call.isdigit():
            certificates_url += f"?call={call}"
        extra = {
            "preview_url": reverse("admin:documents_document_preview"),
            "certificates_url": certificates_url,
        }
        if not access.may(request.user, "issue_documents"):
            extra = {}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def _context(self, request, title):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.model._meta,
            "media": self.media,
        }

    def preview_view(self, request):
        """Set the document a move would issue, marked DRAFT: unnumbered and unstored."""
        if not access.may(request.user, "issue_documents"):
            raise PermissionDenied
        form = PreviewForm(request.GET or None, user=request.user)
        if form.is_bound and form.is_valid():
            try:
                pdf = document_preview(
                    subject=form.cleaned_data["subject"], language=form.cleaned_data["language"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _pdf(pdf, "draft.pdf")
        context = self._context(request, _("Preview a document"))
        context["form"] = form
        return TemplateResponse(request, "admin/documents/document/preview.html", context)

    def grant_documents_view(self, request):
        """Issue the certificates (or approval and funding notices) of a call's granted
        applications that hold none in force; those that do are skipped and counted."""
        if not access.may(request.user, "issue_documents"):
            raise PermissionDenied
        form = GrantDocumentsForm(request.POST if request.method == "POST" else request.GET or None)
        due = held = None
        if form.is_bound and form.is_valid():
            call = form.cleaned_data["call"]
            due = grant_documents_due(call).count()
            held = (
                Document.objects.current()
                .filter(
                    application__in=grant_documents_due(call),
                    kind__in=[Kind.CERTIFICATE, Kind.APPROVAL_NOTICE],
                )
                .values("application")
                .distinct()
                .count()
            )
            if request.method == "POST":
                try:
                    result = grant_documents_issue(call=call, actor=request.user)
                except ValidationError as refused:
                    form.add_error(None, refused)
                else:
                    self.message_user(
                        request,
                        _(
                            "%(call)s: %(issued)s issued, %(skipped)s skipped (they hold "
                            "theirs already)."
                        )
                        % {"call": call, "issued": len(result.issued), "skipped": result.skipped},
                        messages.SUCCESS,
                    )
                    changelist = reverse("admin:documents_document_changelist")
                    return HttpResponseRedirect(f"{changelist}?call__id__exact={call.pk}")
        context = self._context(request, _("Issue the certificates of a call"))
        context.update({"form": form, "due": due, "held": held})
        return TemplateResponse(
            request, "admin/documents/document/issue_certificates.html", context
        )

    def reissue_view(self, request, object_id):
        """Issue a correction: a new number, set from today's records, superseding this."""
        if not access.may(request.user, "issue_documents"):
            raise PermissionDenied
        document = self.get_object(request, unquote(object_id))
        if document is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if request.method == "GET" and request.GET.get("preview"):
            pdf = document_preview(subject=subject_of(document))
            return _pdf(pdf, "draft.pdf")
        error = ""
        if request.method == "POST":
            try:
                new = document_reissue(
                    document=document, actor=request.user, reason=request.POST.get("reason", "")
                )
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                self.message_user(
                    request,
                    _("%(new)s is issued and supersedes %(old)s.")
                    % {"new": new.number, "old": document.number},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:documents_document_change", args=[new.pk])
                )
        context = self._context(
            request, _("Issue a correction of %(number)s") % {"number": document.number}
        )
        context.update({"document": document, "error": error, "object": document})
        return TemplateResponse(request, "admin/documents/document/reissue.html", context)
