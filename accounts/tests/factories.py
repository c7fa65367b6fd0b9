from faker import Faker

from accounts.services import create_user

fake = Faker()
PASSWORD = "correct-horse-battery"


def make_user(role: str, username: str | None = None):
    username = username or f"{role.lower()}-{fake.unique.user_name()}"
    return create_user(username=username, email=f"{username}@example.com", password=PASSWORD, role=role, check_password=False)
