import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import ROLES
from accounts.services import create_user


class Command(BaseCommand):
    help = "Create a user in one role (Technician, Office, Manager or Admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES, help="The user's role group.")
        parser.add_argument("--email", default="", help="E-mail address (optional).")
        parser.add_argument(
            "--password",
            help="Password; when omitted it is read from the DJANGO_USER_PASSWORD environment variable.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the name, role and password, then save nothing.",
        )

    def handle(self, *args, username, role, email, password, dry_run, **options):
        password = password or os.environ.get("DJANGO_USER_PASSWORD")
        if not password:
            raise CommandError("Give --password or set DJANGO_USER_PASSWORD.")
        try:
            with transaction.atomic():
                user = create_user(username=username, email=email, password=password, role=role)
                transaction.set_rollback(dry_run)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if dry_run:
            self.stdout.write(f"Dry run: {role} user {user.username} would be created; nothing was saved.")
        else:
            self.stdout.write(f"Created {role} user {user.username}.")
