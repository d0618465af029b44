"""API tokens (DRF's ``authtoken``): a user exchanges a password for their own; an
administrator issues one to a service account; staff list holders and revoke.

A token is a bearer secret: it is shown once, when issued, and never listed. Nobody
obtains a token for a person other than themselves (``access.may_issue_token``). Issuing
a new token replaces the old one, so "rotate" and "issue" are the same act. Every issue
and revocation is an audit entry.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import AnonThrottle, Capability, ScopedThrottle, UserThrottle
from core.audit import audit_record
from core.models import AuditEntry

from .. import access

TAG = "Authentication"

#: Why a token is not issued: the API's 403 and the admin form's error.
TOKEN_REFUSED = gettext_lazy(
    "A token is issued to its holder only, or by an administrator to a service account."
)


def token_issue(*, user, actor, request=None) -> Token:
    """A fresh token for ``user``, issued by ``actor``; any earlier token stops working.

    Refused (``PermissionDenied``) unless ``access.may_issue_token(actor, user)``.
    """
    if not access.may_issue_token(actor, user):
        raise exceptions.PermissionDenied(TOKEN_REFUSED)
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(
            action=AuditEntry.Action.TOKEN,
            actor=actor,
            obj=user,
            detail=f"API token issued to {user.get_username()} by {actor.get_username()}",
            request=request,
        )
    return token


def token_revoke(*, user, actor, request=None) -> int:
    """Revoke ``user``'s token; returns how many were deleted (0 or 1)."""
    with transaction.atomic():
        deleted, _by_model = Token.objects.filter(user=user).delete()
        if deleted:
            audit_record(
                action=AuditEntry.Action.TOKEN,
                actor=actor,
                obj=user,
                detail=f"API token of {user.get_username()} revoked by {actor.get_username()}",
                request=request,
            )
    return deleted


class MayManageTokens(Capability):
    message = gettext_lazy("Only bureau staff may do this.")
    capability = "manage_api_tokens"
    may = staticmethod(access.may)


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    user = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


ISSUED_EXAMPLE = OpenApiExample(
    "Issued token",
    value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "user": 7, "username": "zhang"},
    response_only=True,
)


class TokenObtainView(APIView):
    """Exchange a username and password for your API token (``POST``); revoke it (``DELETE``)."""

    throttle_classes = [AnonThrottle, UserThrottle, ScopedThrottle]
    throttle_scope = "auth"

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        tags=[TAG],
        summary="Get your API token",
        description=(
            "Send your username and password; the answer holds a new token and your "
            "earlier token stops working. Send it as `Authorization: Token <token>`. "
            "Throttled to a few attempts a minute."
        ),
        request=AuthTokenSerializer,
        responses={200: IssuedTokenSerializer},
        examples=[
            OpenApiExample(
                "Credentials",
                value={"username": "zhang", "password": "correct-horse-battery"},
                request_only=True,
            ),
            ISSUED_EXAMPLE,
        ],
        auth=[],
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = token_issue(user=user, actor=user, request=request)
        return Response({"token": token.key, "user": user.pk, "username": user.get_username()})

    @extend_schema(
        tags=[TAG],
        summary="Revoke your API token",
        request=None,
        responses={204: OpenApiResponse(description="Revoked (or there was none).")},
    )
    def delete(self, request):
        token_revoke(user=request.user, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenSerializer(serializers.ModelSerializer):
    """A token as staff see it in a list: whose, and since when — never the key."""

    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Token
        fields = ["user", "username", "created"]
        read_only_fields = fields


class TokenIssueSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="List users holding a token (staff)",
        examples=[
            OpenApiExample(
                "A token holder",
                value={"user": 7, "username": "zhang", "created": "2025-04-01T10:00:00+08:00"},
                response_only=True,
            )
        ],
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Issue a token to a service account (administrators)",
        description=(
            "Issues a new token to a service account (a user in the group "
            '"Service accounts" without a usable password), or to yourself; the earlier '
            "token stops working. Only a superuser issues one to a service account; a "
            "token for any other person is refused with 403. Each issue is recorded."
        ),
        request=TokenIssueSerializer,
        responses={201: IssuedTokenSerializer},
        examples=[OpenApiExample("Issue", value={"user": 7}, request_only=True), ISSUED_EXAMPLE],
    ),
    destroy=extend_schema(
        tags=[TAG],
        summary="Revoke a user's token (staff)",
        description=(
            "The path names the user's id. Answers 404 when the user holds no token. "
            "Each revocation is recorded."
        ),
    ),
)
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated, MayManageTokens]
    serializer_class = TokenSerializer
    lookup_field = "user"
    lookup_value_regex = r"[0-9]+"
    filterset_class = None
    filter_backends = []

    def get_queryset(self):
        return Token.objects.select_related("user").order_by("-created", "user_id")

    def create(self, request, *args, **kwargs):
        serializer = TokenIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = token_issue(user=user, actor=request.user, request=request)
        return Response(
            {"token": token.key, "user": user.pk, "username": user.get_username()},
            status=status.HTTP_201_CREATED,
        )

    def perform_destroy(self, instance):
        token_revoke(user=instance.user, actor=self.request.user, request=self.request)
