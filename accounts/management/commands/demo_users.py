from typing import Any

from django.core.management.base import BaseCommand

from accounts.demo import ensure_demo_users


class Command(BaseCommand):
    help = "Create one demo user per starting role (if missing) and print role, username and password."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Demo logins:")
        for login in ensure_demo_users():
            self.stdout.write(f"  {login.role:<26} username: {login.username:<16} password: {login.password}")
