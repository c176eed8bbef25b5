"""Test base with personas, as in Healthchecks: every view test checks each persona.

Personas (docs/testing.md):
* ``anonymous``: not signed in;
* ``alice``: staff of organisation A (``org_a``), unit ``unit_a``;
* ``bob``: staff of organisation B (``org_b``), an outsider to A;
* ``carl``: coordinator in A; ``petra``: publisher in A for ``system_a`` only;
* ``maria``: unit manager of ``unit_a``; ``adam``: organisation admin of A.
"""

from __future__ import annotations

from django.test import TestCase

from reservrutin.accounts.models import Membership, Organisation, Unit, User
from reservrutin.registry.models import System

PASSWORD = "correct horse battery staple 42"  # noqa: S105
#: For test classes that sign in many times: ``@override_settings(PASSWORD_HASHERS=FAST_HASHERS)``
#: also hashes the personas' passwords with it in setUpTestData, so each sign-in is quick.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, full_name: str = "", **extra: object) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=full_name or username.capitalize(),
        email=f"{username}@example.org",
        **extra,
    )
    return user


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.org_a = Organisation.objects.create(
            key="org-a", name="Region A", kind=Organisation.Kind.REGION
        )
        cls.org_b = Organisation.objects.create(
            key="org-b", name="Kommun B", kind=Organisation.Kind.MUNICIPALITY
        )
        cls.unit_a = Unit.objects.create(organisation=cls.org_a, key="unit-a", name="Avdelning A")
        cls.unit_a2 = Unit.objects.create(
            organisation=cls.org_a, key="unit-a2", name="Avdelning A2"
        )
        cls.system_a = System.objects.create(
            organisation=cls.org_a, key="system-a", name="System A"
        )
        cls.system_b = System.objects.create(
            organisation=cls.org_b, key="system-b", name="System B"
        )

        R = Membership.Role
        cls.alice = make_user("alice", "Alice Andersson")
        cls.bob = make_user("bob", "Bob Berg")
        cls.carl = make_user("carl", "Carl Carlsson")
        cls.petra = make_user("petra", "Petra Persson")
        cls.maria = make_user("maria", "Maria Månsson")
        cls.adam = make_user("adam", "Adam Admin")
        Membership.objects.create(
            user=cls.alice, organisation=cls.org_a, unit=cls.unit_a, role=R.STAFF
        )
        Membership.objects.create(user=cls.bob, organisation=cls.org_b, role=R.STAFF)
        Membership.objects.create(user=cls.carl, organisation=cls.org_a, role=R.COORDINATOR)
        Membership.objects.create(
            user=cls.petra, organisation=cls.org_a, system=cls.system_a, role=R.PUBLISHER
        )
        Membership.objects.create(
            user=cls.maria, organisation=cls.org_a, unit=cls.unit_a, role=R.UNIT_MANAGER
        )
        Membership.objects.create(user=cls.adam, organisation=cls.org_a, role=R.ORG_ADMIN)

    def login(self, user: User) -> None:
        self.client.force_login(user)

    def assert_requires_login(self, url: str) -> None:
        self.client.logout()
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302, url)
        self.assertIn("/logga-in/", response["Location"])
