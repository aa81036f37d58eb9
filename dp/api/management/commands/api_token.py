from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dp.api.authentication import hash_token
from dp.api.models import ApiToken
from dp.staff.models import User


class Command(BaseCommand):
    help = "Create a bearer token for the JSON API, belonging to a staff account. The token is shown once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help='What will use it, e.g. "Finance system"')

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff account {username!r}.")
        token = secrets.token_urlsafe(32)
        ApiToken.objects.create(user=user, name=name, token_hash=hash_token(token))
        self.stdout.write(token)
