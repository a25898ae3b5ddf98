"""docs/api.md's worked example is real: its request is sent again and must get the documented answer."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from tuoyu.accounts.services import api_token_create
from tuoyu.institutions.api import RegistrationIn
from tuoyu.institutions.models import Institution, Registration

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
VARYING = {"id", "registration_id", "registered_at", "updated_at"}  # ids and times differ between runs


def worked_example() -> tuple[str, dict, dict]:
    text = DOC.read_text(encoding="utf-8")
    request = text.split("<!-- worked-example:request -->", 1)[1]
    key = re.search(r'-H "Idempotency-Key: ([^"]+)"', request).group(1)
    body = json.loads(request.split("<<'JSON'\n", 1)[1].split("\nJSON\n", 1)[0])
    response = text.split("<!-- worked-example:response -->", 1)[1].split("```http\n", 1)[1]
    status_line, rest = response.split("\n", 1)
    assert status_line.startswith("HTTP/1.1 201")
    documented = json.loads(rest.split("\n\n", 1)[1].split("\n```", 1)[0])
    return key, body, documented


def stable(value: object) -> object:
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VARYING}
    return value


def test_the_documented_request_validates_against_the_api_schema() -> None:
    _key, body, _documented = worked_example()
    RegistrationIn(**body)  # raises if the documented body does not fit the schema


def test_the_documented_request_gets_the_documented_answer_and_a_retry_nothing_new(cast) -> None:
    key, body, documented = worked_example()
    _token, secret = api_token_create(user=cast.clerk, name="登记系统对接")
    client = Client(headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": key})
    response = client.post("/api/v1/registrations", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert stable(response.json()) == stable(documented)
    retry = client.post("/api/v1/registrations", body, content_type="application/json")
    assert retry.status_code == 200 and retry.json()["replayed"] is True
    assert Institution.objects.filter(uscc=body["uscc"]).count() == 1
    assert Registration.objects.count() == 1
