"""API: who am I, and my personal API tokens."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from tuoyu.accounts import selectors, services
from tuoyu.accounts.models import ApiToken
from tuoyu.core.apitypes import DbId
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    role_label: str
    region_code: str | None
    region_name: str | None
    institution_id: int | None
    institution_name: str | None


class MeOut(Schema):
    id: int
    username: str
    real_name: str
    phone_masked: str
    roles: list[str]
    memberships: list[MembershipOut]


class TokenIn(Schema):
    # Printable text only: PostgreSQL refuses NUL bytes with an error rather than a 4xx.
    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")
    # The upper bound is the deployment's TUOYU_API_TOKEN_DAYS (default 180, at most 730): checked by the service.
    days: int | None = Field(
        None,
        ge=1,
        le=730,
        description="有效天数，默认且最多为 TUOYU_API_TOKEN_DAYS（默认180）/ lifetime in days; default and maximum: "
        "TUOYU_API_TOKEN_DAYS (180 unless configured)",
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    expires_at: dt.datetime | None = Field(
        description="到期时间；旧令牌为空（吊销前一直有效）/ null: a legacy token"
    )

    @staticmethod
    def resolve_prefix(obj: ApiToken | dict) -> str:
        return obj["prefix"] if isinstance(obj, dict) else obj.key_prefix


class TokenCreatedOut(TokenOut):
    token: str


def _token_out(t: ApiToken) -> dict:
    return {
        "id": t.id,
        "name": t.name,
        "prefix": t.key_prefix,
        "created_at": t.created_at,
        "last_used_at": t.last_used_at,
        "revoked_at": t.revoked_at,
        "expires_at": t.expires_at,
    }


@router.get("/me", response=MeOut, summary="当前用户 / the signed-in user")
def me(request: HttpRequest) -> dict:
    user = request.user
    return {
        "id": user.id,
        "username": user.username,
        "real_name": user.real_name,
        "phone_masked": user.phone_masked,
        "roles": sorted(user.roles()),
        "memberships": [
            {
                "role": m.role,
                "role_label": str(m.get_role_display()),
                "region_code": m.region_id,
                "region_name": m.region.name if m.region else None,
                "institution_id": m.institution_id,
                "institution_name": m.institution.name if m.institution else None,
            }
            for m in user.active_memberships()
        ],
    }


@router.get("/tokens", response=list[TokenOut], summary="我的API令牌 / my API tokens")
@paginate(LimitOffset)
def token_list(request: HttpRequest):  # noqa: ANN201
    return selectors.api_token_list(viewer=request.user)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    summary="创建令牌（仅显示一次）/ create a token",
    description="只能用登录会话创建；用API令牌调用时返回403 `token_cannot_mint`。/ Needs the browser session: "
    "a request authenticated with an API token is refused with 403 `token_cannot_mint`.",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    # The service refuses a token-authenticated request itself (it reads the request context).
    token, full = services.api_token_create(user=request.user, name=payload.name, days=payload.days)
    return Status(201, {**_token_out(token), "token": full})


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销令牌 / revoke a token")
def token_revoke(request: HttpRequest, token_id: DbId) -> Status:
    services.api_token_revoke(user=request.user, token_id=token_id)
    return Status(204, None)


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/", router, order=10),
]
