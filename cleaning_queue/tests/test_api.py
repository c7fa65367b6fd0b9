import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cleaning_queue.models import Queue
from cleaning_queue.services import STALE_QUEUE
from cleaning_queue.tests.factories import queued

pytestmark = pytest.mark.django_db

API, REORDER = reverse("queue:api"), reverse("queue:api-reorder")


def move_url(number: int) -> str:
    return reverse("queue:api-move", args=[number])


def post(client, url, body):
    return client.post(url, json.dumps(body) if not isinstance(body, str) else body, content_type="application/json")


@pytest.fixture
def three():
    return [queued(days_ago=d, rush=(d == 3)).number for d in (5, 4, 3)]


def test_get_returns_the_version_and_the_orders_in_queue_order(client, technician, three):
    client.force_login(technician)
    body = client.get(API).json()
    assert body["version"] == Queue.objects.get().version
    assert [o["number"] for o in body["orders"]] == [three[2], three[0], three[1]]
    first = body["orders"][0]
    assert set(first) == {"number", "position", "tier", "customer", "name", "date_in", "date_required", "stage"}
    assert (first["position"], first["tier"], first["stage"]) == (1, "rush", "queued")


def test_the_api_answers_json_to_anonymous_users(client, three):
    response = client.get(API)
    assert response.status_code == 401 and "error" in response.json()


def test_reorder_answers_the_new_version(client, manager, three):
    client.force_login(manager)
    version = client.get(API).json()["version"]
    response = post(client, REORDER, {"version": version, "order": three[::-1]})
    assert response.status_code == 200 and response.json() == {"version": version + 1}
    assert [o["number"] for o in client.get(API).json()["orders"]] == three[::-1]


def test_a_stale_reorder_is_409_with_a_reload_message_and_changes_nothing(client, manager, three):
    client.force_login(manager)
    version = client.get(API).json()["version"]
    assert post(client, move_url(three[0]), {"version": version, "to_position": 3}).status_code == 200
    after = client.get(API).json()
    response = post(client, REORDER, {"version": version, "order": three})
    assert response.status_code == 409
    assert "reload" in response.json()["error"] and STALE_QUEUE.split("{")[0] in response.json()["error"]
    assert client.get(API).json() == after


@pytest.mark.parametrize(
    "body",
    [
        lambda n, v: {"version": v, "order": n[:2]},
        lambda n, v: {"version": v, "order": [*n, 424242]},
        lambda n, v: {"version": v, "order": [n[0], n[0], n[1]]},
        lambda n, v: {"version": v, "order": "1,2,3"},
        lambda n, v: {"version": str(v), "order": n},
        lambda n, v: {"order": n},
        lambda n, v: "not json",
        lambda n, v: [1, 2],
    ],
    ids=["missing", "extra", "repeated", "not-a-list", "version-not-int", "no-version", "not-json", "not-an-object"],
)
def test_a_bad_reorder_is_400_and_changes_nothing(client, manager, three, body):
    client.force_login(manager)
    before = client.get(API).json()
    response = post(client, REORDER, body(three, before["version"]))
    assert response.status_code == 400 and response.json()["error"]
    assert client.get(API).json() == before


@pytest.mark.parametrize("user", ["technician", "office_user"])
def test_only_managers_reorder_and_move(client, request, three, user):
    client.force_login(request.getfixturevalue(user))
    version = client.get(API).json()["version"]
    assert post(client, REORDER, {"version": version, "order": three[::-1]}).status_code == 403
    response = post(client, move_url(three[0]), {"version": version, "to_position": 3})
    assert response.status_code == 403 and response.json()["error"]
    assert client.get(API).json()["version"] == version


def test_move_answers_400_for_a_position_outside_the_queue_or_an_order_not_in_it(client, manager, three):
    client.force_login(manager)
    version = client.get(API).json()["version"]
    assert post(client, move_url(three[0]), {"version": version, "to_position": 4}).status_code == 400
    assert post(client, move_url(987654), {"version": version, "to_position": 1}).status_code == 400


def test_reading_the_queue_costs_the_same_queries_for_a_short_and_a_long_queue(client, technician):
    client.force_login(technician)
    client.get(API)  # session and permission caches warm

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API).status_code == 200
            assert client.get(reverse("queue:queue")).status_code == 200
        return len(captured)

    queued()
    short = count()
    for days in range(40):
        queued(days_ago=days)
    assert count() == short
