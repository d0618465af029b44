"""API tokens over HTTP: a user exchanges a password for a token of their own; an
administrator issues one to a service account; staff list and revoke them.

Tokens are django-rest-knox's, on ``enterprises.ApiToken``, written by
``enterprises.tokens``. A token is a bearer secret: its key is answered once, when
issued, and never listed.
"""

from django.contrib.auth import authenticate, get_user_model
from django.utils.translation import gettext_lazy
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import AnonThrottle, Capability, ScopedThrottle, UserThrottle

from .. import access
from ..models import ApiToken
from ..tokens import DEFAULT_NAME, token_issue, token_revoke, token_revoke_all
from .authentication import TokenAuthentication

TAG = "Authentication"


# --- The OpenAPI security scheme -----------------------------------------------------


class TokenScheme(KnoxTokenScheme):
    """``Authorization: Token <key>`` (``TokenAuthentication``), under the name the
    schema has always given it."""

    target_class = TokenAuthentication
    name = "tokenAuth"


# --- Serializers -------------------------------------------------------------------------


class TokenObtainSerializer(serializers.Serializer):
    # A user name, an email address or a mobile number; no account has a longer one, and
    # the lock-out records the attempt in a column of 255 characters.
    username = serializers.CharField(write_only=True, max_length=254)
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    name = serializers.CharField(
        write_only=True,
        required=False,
        max_length=100,
        help_text=(
            f'What the token is for; "{DEFAULT_NAME}" when not given. A new token '
            "replaces your earlier one of the same name."
        ),
    )

    def validate(self, attrs):
        # Through the authentication backends, so that the lock-out counts this attempt;
        # they refuse an inactive account.
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                gettext_lazy("Unable to sign in with these credentials.")
            )
        attrs["user"] = user
        return attrs


class TokenIssueSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )
    name = serializers.CharField(
        required=False,
        max_length=100,
        help_text=(
            f'What the token is for; "{DEFAULT_NAME}" when not given. A new token '
            "replaces the holder's earlier one of the same name."
        ),
    )


class IssuedTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    token = serializers.CharField(read_only=True, help_text="The key: shown this once only.")
    name = serializers.CharField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True)
    user = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


def issued(token: ApiToken, key: str) -> dict:
    return IssuedTokenSerializer(
        {
            "id": token.pk,
            "token": key,
            "name": token.name,
            "expiry": token.expiry,
            "user": token.user_id,
            "username": token.user.get_username(),
        }
    ).data


class TokenSerializer(serializers.ModelSerializer):
    """A token as staff see it in a list: whose, what for, until when — never the key."""

    username = serializers.CharField(source="user.username", read_only=True)
    prefix = serializers.CharField(
        source="token_key",
        read_only=True,
        help_text="The key's first characters, to tell tokens apart; not enough to use one.",
    )
    expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "user", "username", "name", "prefix", "created", "expiry", "expired"]
        read_only_fields = fields


ISSUED_EXAMPLE = OpenApiExample(
    "Issued token",
    value={
        "id": 31,
        "token": "3f9d0c5e8a41b7d2e6f0a9c4b8d1e7f2a5c3b9e0d4f8a1c6e2b7d0f9a3c5e8b1",
        "name": "provincial-platform",
        "expiry": "2025-06-30T10:00:00+08:00",
        "user": 7,
        "username": "zhang",
    },
    response_only=True,
)


# --- Views -------------------------------------------------------------------------------


class MayManageTokens(Capability):
    message = gettext_lazy("Only bureau staff may do this.")
    capability = "manage_api_tokens"
    may = staticmethod(access.may)


class TokenObtainView(APIView):
    """Exchange a username and password for an API token of yours (``POST``); revoke the
    token you send (``DELETE``)."""

    throttle_classes = [AnonThrottle, UserThrottle, ScopedThrottle]
    throttle_scope = "auth"

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        tags=[TAG],
        summary="Get an API token of yours",
        description=(
            "Send your username and password, and optionally a name for the token; the "
            "answer holds a new token, which expires after the period the site sets "
            "(90 days unless configured otherwise). Your earlier token of the same name "
            "stops working; tokens of other names go on. Send it as "
            "`Authorization: Token <token>`. Throttled to a few attempts a minute."
        ),
        request=TokenObtainSerializer,
        responses={200: IssuedTokenSerializer},
        examples=[
            OpenApiExample(
                "Credentials",
                value={
                    "username": "zhang",
                    "password": "correct-horse-battery",
                    "name": "monthly-report",
                },
                request_only=True,
            ),
            ISSUED_EXAMPLE,
        ],
        auth=[],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, key = token_issue(
            user=user,
            actor=user,
            name=serializer.validated_data.get("name", DEFAULT_NAME),
            request=request,
        )
        return Response(issued(token, key))

    @extend_schema(
        tags=[TAG],
        summary="Revoke your API token",
        description=(
            "Revokes the token this request is authenticated with. A browser signed in "
            "with its session revokes every token of its user."
        ),
        request=None,
        responses={204: OpenApiResponse(description="Revoked.")},
    )
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            token_revoke(token=request.auth, actor=request.user, request=request)
        else:
            token_revoke_all(
                user=request.user,
                actor=request.user,
                reason="revoked by their holder",
                request=request,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="List API tokens (staff)",
        description=(
            "Every token, newest first: whose, its name, the first characters of its key, "
            "when it was issued and when it expires. Never the key."
        ),
        examples=[
            OpenApiExample(
                "A token",
                value={
                    "id": 31,
                    "user": 7,
                    "username": "zhang",
                    "name": "monthly-report",
                    "prefix": "3f9d0c5e8a41b7d",
                    "created": "2025-04-01T10:00:00+08:00",
                    "expiry": "2025-06-30T10:00:00+08:00",
                    "expired": False,
                },
                response_only=True,
            )
        ],
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Issue a token to a service account (administrators)",
        description=(
            "Issues a new token to a service account (a user in the group "
            '"Service accounts" without a usable password), or to yourself; the holder\'s '
            "earlier token of the same name stops working. Only a superuser issues one to "
            "a service account; a token for any other person is refused with 403. A holder "
            "has at most a set number of unexpired tokens (400 beyond it). Each issue is "
            "recorded."
        ),
        request=TokenIssueSerializer,
        responses={201: IssuedTokenSerializer},
        examples=[
            OpenApiExample(
                "Issue", value={"user": 7, "name": "provincial-platform"}, request_only=True
            ),
            ISSUED_EXAMPLE,
        ],
    ),
    destroy=extend_schema(
        tags=[TAG],
        summary="Revoke a token (staff)",
        description=(
            "The path names the token's id (as listed). Answers 404 when there is no such "
            "token. Each revocation is recorded."
        ),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Token id.")
        ],
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
    lookup_value_regex = r"[0-9]+"
    filterset_class = None
    filter_backends = []

    def get_queryset(self):
        return access.token_list(user=self.request.user).select_related("user")

    def create(self, request, *args, **kwargs):
        serializer = TokenIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = token_issue(
            user=serializer.validated_data["user"],
            actor=request.user,
            name=serializer.validated_data.get("name", DEFAULT_NAME),
            request=request,
        )
        return Response(issued(token, key), status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        token_revoke(token=instance, actor=self.request.user, request=self.request)
