"""Who may open which catalog page: admin, 财政局's CDO, 财政局's editor (no keeper role), an outsider.

Everything a person may not see answers 404, like an object that does not exist for them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog import services
from catalog.tests.factories import make_resource

PERSONAS = ["admin", "cdo", "editor", "outsider"]


@pytest.fixture
def records(cdo, admin, units):
    published = make_resource(cdo, units.finance, publish=True, admin=admin, name="已发布资源")
    draft = make_resource(cdo, units.finance, name="草稿资源")
    system = services.save_system(cdo, units.finance, name="草稿系统")
    return {"published": published, "draft": draft, "system": system}


# page → expected status per persona (admin, cdo, editor, outsider)
MATRIX: dict[str, tuple[int, int, int, int]] = {
    "resource_list": (200, 200, 200, 200),
    "published_detail": (200, 200, 200, 200),
    "draft_detail": (200, 200, 200, 404),
    "published_edit": (200, 200, 404, 404),
    "draft_edit": (200, 200, 404, 404),
    "resource_create": (200, 200, 404, 404),
    "system_list": (200, 200, 200, 200),
    "system_detail": (200, 200, 200, 404),
    "system_edit": (200, 200, 404, 404),
    "system_create": (200, 200, 404, 404),
    "review_queue": (200, 404, 404, 404),
    "cdo": (200, 200, 404, 404),
    "settings": (200, 404, 404, 404),
    "categories": (200, 404, 404, 404),
}


def _url(page: str, records) -> str:
    return {
        "resource_list": reverse("catalog:resource_list"),
        "published_detail": reverse("catalog:resource_detail", args=[records["published"].pk]),
        "draft_detail": reverse("catalog:resource_detail", args=[records["draft"].pk]),
        "published_edit": reverse("catalog:resource_edit", args=[records["published"].pk]),
        "draft_edit": reverse("catalog:resource_edit", args=[records["draft"].pk]),
        "resource_create": reverse("catalog:resource_create"),
        "system_list": reverse("catalog:system_list"),
        "system_detail": reverse("catalog:system_detail", args=[records["system"].pk]),
        "system_edit": reverse("catalog:system_edit", args=[records["system"].pk]),
        "system_create": reverse("catalog:system_create"),
        "review_queue": reverse("catalog:review_queue"),
        "cdo": reverse("catalog:cdo"),
        "settings": reverse("catalog:settings"),
        "categories": reverse("catalog:categories"),
    }[page]


@pytest.mark.parametrize("page", list(MATRIX))
def test_it_answers_each_persona_as_the_matrix_says(request, client_for, records, page):
    got = tuple(client_for(request.getfixturevalue(p)).get(_url(page, records)).status_code for p in PERSONAS)
    assert got == MATRIX[page]


@pytest.mark.parametrize("page", list(MATRIX))
def test_it_sends_anonymous_visitors_to_the_login(client_for, records, page):
    response = client_for(None).get(_url(page, records))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_hides_another_units_draft_from_the_lifecycle_endpoints(client_for, records, outsider):
    client = client_for(outsider)
    move = {"action": "submit", "comment": ""}
    assert client.post(reverse("catalog:resource_transition", args=[records["draft"].pk]), move).status_code == 404
    assert client.post(reverse("catalog:system_transition", args=[records["system"].pk]), move).status_code == 404
