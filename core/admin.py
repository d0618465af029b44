"""What every ModelAdmin of the desk shares: scoped rows, permissions asked of the app's
access module, graceful refusals of deletions, read-only history, and creation through
services."""

from contextlib import nullcontext

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DataError, connections, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.template_utils import HistoricalRecordContextHelper

from .audit import audit_access_refused, audit_record
from .models import AuditEntry
from .search import admin_search_terms, search, searchable

Action = AuditEntry.Action


class DeskChangeList(ChangeList):
    """Django's changelist, with each row's link built without resolving a URL per row.

    Django appends the list's filters to every row's link (``add_preserved_filters``),
    resolving the link against the whole URLconf to learn whether it leads back to the
    list, which a change page never does: fifty resolutions and reversals per page,
    4–6 ms of a filtered application list. Here the change URL is reversed once per
    page and the filters appended as the same query string, so the links are the same.
    """

    PK_PLACEHOLDER = "0"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_link_query = self.preserved_filters
        # Read by the row links alone (items_for_result), which now carry it already.
        self.preserved_filters = ""
        self._change_url = None

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        if not isinstance(pk, int):
            url = super().url_for_result(result)
        else:
            if self._change_url is None:
                self._change_url = reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=(self.PK_PLACEHOLDER,),
                    current_app=self.model_admin.admin_site.name,
                ).rpartition(f"/{self.PK_PLACEHOLDER}/")
            before, _slash_pk_slash, after = self._change_url
            url = f"{before}/{quote(pk)}/{after}"
        return f"{url}?{self.row_link_query}" if self.row_link_query else url


class DeskAdminMixin:
    """Rows come from an access module's scoped list; permissions from its functions.

    Each app's admin sets ``may`` to its access module's ``may(user, capability)``;
    subclasses implement ``scoped_queryset(request)`` by calling a scoped list and
    override the ``has_*_permission`` methods with calls to access functions. By
    default a desk user may view, and nobody may add, change or delete: writing is
    granted explicitly, never inherited from Django's model permissions.
    """

    #: The app's ``access.may``, as a staticmethod.
    may = None

    def scoped_queryset(self, request):
        raise NotImplementedError

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))  # noqa: S308
    def action_checkbox(self, obj):
        """Django's row checkbox, as the same HTML without rendering a widget template per
        row (a tenth of a changelist's time)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            # Django's own message, translated by its catalogue.
            format_html(_("Select this object for an action - {}"), obj),
        )

    def get_queryset(self, request):
        queryset = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def get_changelist(self, request, **kwargs):
        return DeskChangeList

    def get_search_results(self, request, queryset, search_term):
        # Django's rows (every term in one of the fields), found through one subquery per
        # table instead of one OR over a join of them all (``selectors.search``): a name
        # among a million applications in ~60 ms instead of 3–11 s. Ids are matched, not
        # joined, so there are no duplicates. Prefixed fields are left to Django.
        fields = self.get_search_fields(request)
        if not search_term or not searchable(queryset.model, fields):
            return super().get_search_results(request, queryset, search_term)
        return search(queryset, admin_search_terms(search_term), fields), False

    def get_changelist_instance(self, request):
        # A filter value no column can hold (an id of 25 digits) fails when the list is
        # counted: show Django's "invalid filter" redirect, not a 500. Inside a
        # transaction a savepoint keeps it usable after the refused query; outside one
        # (a page view) the refused query ends only itself, and the list is read
        # without two more round trips to the database.
        using = router.db_for_read(self.model)
        guard = transaction.atomic(using) if connections[using].in_atomic_block else nullcontext()
        try:
            with guard:
                return super().get_changelist_instance(request)
        except (OverflowError, DataError) as error:
            raise IncorrectLookupParameters(error) from error

    def has_module_permission(self, request):
        return self.may(request.user, "use_desk")

    def has_view_permission(self, request, obj=None):
        return self.may(request.user, "use_desk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- The audit trail: every change made in admin is an audit entry too ---------
    # Django's own log (LogEntry) still feeds its "recent actions" and history pages.
    def log_addition(self, request, obj, message):
        audit_record(
            action=Action.RECORD,
            actor=request.user,
            obj=obj,
            detail="added in admin",
            request=request,
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_record(
            action=Action.RECORD,
            actor=request.user,
            obj=obj,
            detail=f"changed in admin: {message}"[:1000],
            request=request,
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(
                action=Action.RECORD,
                actor=request.user,
                obj=obj,
                detail="deleted in admin",
                request=request,
            )
        return super().log_deletions(request, queryset)

    # --- Deleting: a refusal is a message, never a 403 page or a 500 ------------
    def delete_refused_message(self, request, obj) -> str:
        return _("“%(object)s” cannot be deleted: it is part of the record.") % {"object": obj}

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if (
            obj is not None
            and self.has_delete_permission(request)
            and not self.has_delete_permission(request, obj)
        ):
            self.message_user(request, self.delete_refused_message(request, obj), messages.ERROR)
            return HttpResponseRedirect(self._change_url(obj))
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ProtectedError, RestrictedError):
            # The database keeps what other records point to; nothing was deleted.
            if obj is None:
                raise
            self.message_user(request, self.delete_refused_message(request, obj), messages.ERROR)
            return HttpResponseRedirect(self._change_url(obj))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Missing or outside the user's scope: the same redirect either way, but the
        # attempt is recorded (the portal and API record theirs in middleware).
        audit_access_refused(request=request, object_type=opts.label, object_id=object_id)
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                checked_delete_selected,
                "delete_selected",
                checked_delete_selected.short_description,
            )
        return actions

    def _change_url(self, obj):
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )


def checked_delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, after leaving out (and naming) what may not be deleted."""
    refused = [obj for obj in queryset if not modeladmin.has_delete_permission(request, obj)]
    for obj in refused:
        modeladmin.message_user(
            request, modeladmin.delete_refused_message(request, obj), messages.ERROR
        )
    remaining = queryset.exclude(pk__in=[obj.pk for obj in refused])
    if not remaining.exists():
        return None
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, remaining)
    except (ProtectedError, RestrictedError):
        modeladmin.message_user(
            request,
            _("Nothing was deleted: some of the selected records are referred to by others."),
            messages.ERROR,
        )
        return None


checked_delete_selected.short_description = gettext_lazy("Delete selected %(verbose_name_plural)s")
checked_delete_selected.allowed_permissions = ("delete",)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """A history page's changes as the change page shows the values: a choice by its
    label ("Submitted", not ``submitted``), a date or time in the language's format,
    yes or no; not as they are stored."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if field.flatchoices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if hasattr(value, "tzinfo") and timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.localize(value)


class HistoryReadOnlyMixin:
    """django-simple-history's pages, without "revert": history is evidence, not an undo.

    Reverting would also write the old workflow status behind the workflow's back. The
    pages show the history of a record in the user's scope only, and answer a record out
    of scope exactly as a missing one (404): django-simple-history would otherwise read
    it from its history table and refuse it with a 403, telling that it exists. A
    deleted record is out of everybody's scope; its deletion stays in the audit trail.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _in_scope_or_404(self, request, object_id):
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404  # recorded as a refused access by config.middleware


class ServiceAddForm(forms.ModelForm):
    """An add form whose record is created by a service once every field is valid.

    The service runs as the last step of validation, so its refusal (a
    ``ValidationError``) becomes a form error instead of a 500, and the admin's
    ``save_model`` then finds the record already saved. The admin's add view
    wraps validation and saving in one transaction. Used only on add pages
    without inlines, where nothing else can fail after the service has written.
    """

    model_admin = None
    request = None

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            with transaction.atomic():
                self.instance = self.model_admin.create_through_service(
                    self.request, self.cleaned_data
                )
        except ValidationError as error:
            self._add_service_error(error)

    def _add_service_error(self, error: ValidationError):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, field_errors in error.error_dict.items():
            target = field if field in self.fields and field != NON_FIELD_ERRORS else None
            self.add_error(target, field_errors)


class ServiceAddMixin:
    """Add pages create the record through ``create_through_service(request, data)``,
    which writes its own audit entry."""

    #: The add page's form: ``ServiceAddForm`` or a subclass of it.
    add_form = ServiceAddForm

    def create_through_service(self, request, data):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            # modelform_factory made a new class for this request: safe to bind it.
            form.model_admin = self
            form.request = request
        return form

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        # On add the service has saved the record during validation.

    def log_addition(self, request, obj, message):
        # The service wrote the audit entry; Django's own log keeps its history page.
        return admin.ModelAdmin.log_addition(self, request, obj, message)


class DeskInlineMixin:
    """Inlines answer permissions about their parent object through the parent admin's
    functions; by default they are read-only. ``may`` as for ``DeskAdminMixin``."""

    may = None

    def has_view_permission(self, request, obj=None):
        return self.may(request.user, "use_desk")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not isinstance(self, admin.TabularInline):
            return formset

        class ColumnNamedFormSet(formset):
            """A table heads each column once, so no field of a row has its own label:
            each field (and the row's delete box) is named after its column instead."""

            def add_fields(self, form, index):
                super().add_fields(form, index)
                for field in form.fields.values():
                    if field.label and not field.widget.is_hidden:
                        field.widget.attrs.setdefault("aria-label", str(field.label))

        return ColumnNamedFormSet


class ReadOnlyTabularInline(DeskInlineMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()


class TreeListFilter(admin.SimpleListFilter):
    """A list filter over a tree of reference rows (a model with ``parent``: regions,
    industries), for a foreign key of the listed model.

    It lists the way down to the chosen row (its ancestors), the row itself and its
    children: a handful of links at any depth, never the hundreds of rows of a complete
    table. A row filters the list to itself and everything below it, as the tree's model
    says (``self_and_descendant_ids``). Subclass it with ``field_name`` (the foreign key)
    and ``title``.
    """

    field_name = ""

    def __init__(self, request, params, model, model_admin):
        self.parameter_name = f"{self.field_name}__tree"
        self.tree = model._meta.get_field(self.field_name).related_model
        super().__init__(request, params, model, model_admin)

    @cached_property
    def chosen(self):
        """The row chosen, read once for the links and the list; None when none is."""
        value = self.value()
        if not value:
            return None
        if not value.isdigit():
            raise IncorrectLookupParameters(_("Choose a row of the list."))
        return self.tree.objects.filter(pk=value).first()

    def lookups(self, request, model_admin):
        chosen = self.chosen
        if chosen is None:
            return [(str(row.pk), str(row)) for row in self.tree.objects.filter(parent=None)]
        path, row = [], chosen
        while row is not None:
            path.insert(0, row)
            row = row.parent
        children = self.tree.objects.filter(parent=chosen)
        above = [(str(row.pk), "\u2003" * level + str(row)) for level, row in enumerate(path)]
        below = [(str(row.pk), "\u2003" * len(path) + str(row)) for row in children]
        return above + below

    def queryset(self, request, queryset):
        chosen = self.chosen
        if self.value() and chosen is None:
            return queryset.none()
        if chosen is None:
            return queryset
        return queryset.filter(**{f"{self.field_name}__in": chosen.self_and_descendant_ids()})
