"""API authentication for other council systems: a bearer token per staff account.

Tokens are stored hashed (SHA-256); the clear token is shown once when it is created
(`manage.py api_token USERNAME`). Requests then send `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hashlib

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):  # type: ignore[no-untyped-def]
        header = authentication.get_authorization_header(request).decode(errors="ignore")
        if not header.startswith(f"{self.keyword} "):
            return None
        token = header[len(self.keyword) + 1 :].strip()
        from dp.api.models import ApiToken

        row = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        return (row.user, row)

    def authenticate_header(self, request):  # type: ignore[no-untyped-def]
        return self.keyword


class StaffTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Describes the bearer token in the OpenAPI schema."""

    target_class = "dp.api.authentication.StaffTokenAuthentication"
    name = "staffToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {"type": "http", "scheme": "bearer", "description": "A token from `manage.py api_token USERNAME`."}
