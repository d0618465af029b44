"""Workflow in admin: buttons on one application and bulk actions on many.

Both are generated from ``programmes.workflow.MOVES`` and both call the one service,
``programmes.services.workflow.application_move``, which checks the move's
declaration (state, actor, comment, guards). A refused move becomes a message naming
the application and the reason, and changes nothing.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.confirm import CONFIRMED, is_confirmed
from core.values import parse_money

from .. import access
from ..consequences import asks_first, move_consequence, needs_confirmation
from ..hooks import moves_batch
from ..services.workflow import application_move, available_moves, held_back_moves
from ..workflow import MOVES, Move, reward_rule

ACTION_PREFIX = "workflow_"


def workflow_action(move: Move):
    """The changelist action that makes ``move`` on each selected application."""

    def action(modeladmin, request, queryset):
        return modeladmin.apply_move(request, queryset, move)

    action.__name__ = f"{ACTION_PREFIX}{move.name}"
    action.short_description = move.label
    return action


class WorkflowAdminMixin:
    workflow_confirmation_template = "admin/programmes/application/workflow_confirmation.html"
    move_confirmation_template = "admin/programmes/application/move_confirmation.html"

    # --- URLs -------------------------------------------------------------------
    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/move/",
                self.admin_site.admin_view(self.move_view),
                name=f"{opts.app_label}_{opts.model_name}_move",
            ),
            *super().get_urls(),
        ]

    def _admin_url(self, name, *args):
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args
        )

    # --- One application: buttons on the change page --------------------------------
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            moves = available_moves(application=obj, user=request.user)
            granting = any(move.name == "grant" for move in moves)
            context.update(
                # None: no grant on offer; False: a grant with no reward rule to follow.
                award_rule=(reward_rule(obj) or False) if granting else None,
                workflow_moves=moves,
                workflow_comment_required=[move for move in moves if move.comment_required],
                held_back=held_back_moves(application=obj, user=request.user),
                workflow_url=self._admin_url("move", obj.pk),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def move_view(self, request, object_id):
        """Make one move on one application, then return to its page with the outcome."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        application = self.get_object(request, unquote(object_id))
        if application is None or not self.has_view_permission(request, application):
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        try:
            # The grant's own fields: an award in place of the reward rule's, and why.
            award = parse_money(request.POST.get("award", ""))
        except ValidationError as error:
            self.message_user(
                request,
                _("“%(application)s” was not changed: %(reason)s")
                % {"application": application, "reason": " ".join(error.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(self._admin_url("change", application.pk))
        move = MOVES.get(request.POST.get("move", ""))
        if (
            move is not None
            and not is_confirmed(request)
            and asks_first(
                move,
                comment=request.POST.get("comment", ""),
                award=award if move.name == "grant" else None,
                award_reason=request.POST.get("award_reason", ""),
            )
            and move in available_moves(application=application, user=request.user)
        ):
            # Nothing is made yet: the page names the consequence and carries what was typed.
            # A move that would be refused goes on to the service, which says why.
            return self.render_move_confirmation(request, application, move)
        self._make_move(
            request,
            application,
            request.POST.get("move", ""),
            request.POST.get("comment", ""),
            expected_status=request.POST.get("expected_status", ""),
            award=award,
            award_reason=request.POST.get("award_reason", ""),
        )
        return HttpResponseRedirect(self._admin_url("change", application.pk))

    def render_move_confirmation(self, request, application, move: Move):
        opts = self.model._meta
        request.current_app = self.admin_site.name
        hidden = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", CONFIRMED)
            for value in values
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(action)s: confirm") % {"action": move.label},
            "subtitle": None,
            "opts": opts,
            "application": application,
            "move": move,
            "consequence": move_consequence(move),
            "comment": request.POST.get("comment", ""),
            "award": request.POST.get("award", "") if move.name == "grant" else "",
            "award_reason": request.POST.get("award_reason", ""),
            "hidden": hidden,
            "action": request.path,
            "cancel_url": self._admin_url("change", application.pk),
        }
        return TemplateResponse(request, self.move_confirmation_template, context)

    def _make_move(
        self, request, application, move: str, comment: str, expected_status=None, **award
    ) -> bool:
        title = str(application)
        if move != "grant":
            # The award fields belong to the grant; another button ignores them.
            award = {}
        try:
            application_move(
                application=application,
                actor=request.user,
                move=move,
                comment=comment,
                expected_status=expected_status,
                **award,
            )
        except ValidationError as error:  # MoveRefused
            self.message_user(
                request,
                _("“%(application)s” was not changed: %(reason)s")
                % {"application": title, "reason": " ".join(error.messages)},
                messages.ERROR,
            )
            return False
        message = _("“%(application)s” is now “%(status)s”.") % {
            "application": title,
            "status": application.get_status_display(),
        }
        self.message_user(request, message, messages.SUCCESS)
        return True

    # --- Many applications: one changelist action per move ---------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for move in MOVES.values():
            if access.could_make_move(request.user, move):
                action = workflow_action(move)
                actions[action.__name__] = (action, action.__name__, move.label)
        return actions

    def apply_move(self, request, queryset, move: Move):
        """Make ``move`` on each application, reporting each success and each refusal.

        A move that needs a comment first shows a confirmation page asking for it.
        """
        comment = request.POST.get("comment", "").strip()
        asked = bool(request.POST.get("post"))
        if move.comment_required and not (asked and comment):
            return self.render_workflow_confirmation(request, queryset, move, missing_comment=asked)
        if needs_confirmation(move) and not asked:
            return self.render_workflow_confirmation(request, queryset, move)
        # One batch: what the moves issue together (one public notice for the selection)
        # commits with them.
        with moves_batch():
            results = [
                self._make_move(request, application, move.name, comment)
                for application in queryset
            ]
        moved = results.count(True)
        self.message_user(
            request,
            _("%(action)s: %(moved)s moved, %(refused)s refused.")
            % {"action": move.label, "moved": moved, "refused": len(results) - moved},
            messages.INFO,
        )
        return None

    def render_workflow_confirmation(self, request, queryset, move: Move, missing_comment=False):
        opts = self.model._meta
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(action)s: confirm") % {"action": move.label},
            "subtitle": None,
            "opts": opts,
            "move": move,
            "consequence": move_consequence(move) if needs_confirmation(move) else "",
            "action_name": f"{ACTION_PREFIX}{move.name}",
            "applications": list(queryset),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "missing_comment": missing_comment,
            "comment": request.POST.get("comment", ""),
            "media": self.media,
        }
        return TemplateResponse(request, self.workflow_confirmation_template, context)
