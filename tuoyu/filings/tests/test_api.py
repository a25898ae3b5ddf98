"""The filing workflow through the API: the same doors and the same services as the web pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tuoyu.accounts.services import api_token_create
from tuoyu.filings import services
from tuoyu.filings.models import Filing, FilingMaterial, FilingState
from tuoyu.testing.filings import form_json

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROBLEM = "application/problem+json"


def bearer(user):
    """A client that authenticates with a personal API token, as another system would."""
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def attach(client, filing_id, kind, content=PDF, name="材料.pdf"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(f"/api/v1/filings/{filing_id}/materials", {"kind": kind, "file": upload})


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def started(cast):
    ann = bearer(cast.ann)
    response = post(ann, "/api/v1/filings", {"institution_id": cast.inst_a.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    filled = post(
        ann, f"/api/v1/filings/{body['id']}/form", {"version": body["version"], "form": form_json()}
    )
    assert filled.status_code == 200, filled.content
    assert filled.json()["complete"] and filled.json()["missing"] == []
    return ann, body


def submitted(cast):
    ann, body = started(cast)
    for kind in body["required_materials"]:
        assert attach(ann, body["id"], kind).status_code == 201
    version = ann.get(f"/api/v1/filings/{body['id']}").json()["version"]
    response = post(
        ann, f"/api/v1/filings/{body['id']}/submit", {"version": version, "declaration_accepted": True}
    )
    assert response.status_code == 200, response.content
    return ann, response.json()


def test_the_whole_filing_flow_through_the_api_ends_in_a_receipt(cast):
    ann, body = started(cast)
    fid = body["id"]
    assert body["state"] == "draft" and body["allowed_actions"] == ["attach", "submit", "withdraw"]
    assert set(body["missing_materials"]) == set(body["required_materials"])
    for kind in body["required_materials"]:
        response = attach(ann, fid, kind)
        assert response.status_code == 201
        assert response.json()["name"] == "材料.pdf" and response.json()["size"] == len(PDF)
    detail = ann.get(f"/api/v1/filings/{fid}").json()
    assert detail["missing_materials"] == [] and "content" not in detail["materials"][0]
    submit = {"version": detail["version"], "declaration_accepted": True}
    body = post(ann, f"/api/v1/filings/{fid}/submit", submit).json()
    assert body["state"] == "submitted" and body["clock"]["elapsed"] == 0
    assert body["allowed_actions"] == ["withdraw"]

    alice = bearer(cast.alice)
    queue = alice.get("/api/v1/filings/review-queue").json()
    assert [f["id"] for f in queue["items"]] == [fid]
    assert queue["items"][0]["clock"]["deadline"] > queue["items"][0]["clock"]["received"]
    assert alice.get(f"/api/v1/filings/{fid}").json()["allowed_actions"] == ["return", "accept"]
    returned = {
        "version": body["version"],
        "reasons": [{"item": "fire_safety", "reason": "消防检查合格证明已过期"}],
        "comment": "请补正",
    }
    body = post(alice, f"/api/v1/filings/{fid}/return", returned).json()
    assert body["state"] == "returned"
    assert body["return_reasons"] == [{"item": "fire_safety", "reason": "消防检查合格证明已过期"}]

    detail = ann.get(f"/api/v1/filings/{fid}").json()
    assert detail["events"][-1]["action"] == "return" and detail["events"][-1]["comment"] == "请补正"
    assert attach(ann, fid, "fire_safety").status_code == 201
    body = post(ann, f"/api/v1/filings/{fid}/submit", {**submit, "version": detail["version"]}).json()
    assert body["state"] == "submitted"

    body = post(
        alice, f"/api/v1/filings/{fid}/accept", {"version": body["version"], "comment": "同意"}
    ).json()
    assert body["state"] == "accepted" and body["number"].startswith("430202-")
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.filing_status == "filed"

    response = ann.get(f"/api/v1/filings/{fid}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    listed = ann.get("/api/v1/filings?state=accepted").json()
    assert [f["id"] for f in listed["items"]] == [fid]
    assert ann.get("/api/v1/filings?state=draft").json()["count"] == 0


def test_two_reviewers_accepting_the_same_version_one_wins_the_other_gets_409(cast):
    _ann, body = submitted(cast)
    accept = {"version": body["version"]}
    first = post(bearer(cast.alice), f"/api/v1/filings/{body['id']}/accept", accept)
    second = post(bearer(cast.zhou), f"/api/v1/filings/{body['id']}/accept", accept)
    assert first.status_code == 200
    assert second.status_code == 409 and second["Content-Type"] == PROBLEM
    assert second.json()["type"] == "urn:tuoyu:problem:stale_version"
    filing = Filing.objects.get(pk=body["id"])
    assert filing.events.filter(action="accept").count() == 1 and filing.number.endswith("-0001")


def test_an_executable_renamed_pdf_is_a_422_problem_and_nothing_is_stored(cast):
    ann, body = started(cast)
    response = attach(ann, body["id"], "fire_safety", content=b"MZ" + b"\x00" * 200, name="证明.pdf")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "file"
    assert not FilingMaterial.objects.exists()


def test_an_unknown_material_kind_is_a_422_problem(cast):
    ann, body = started(cast)
    response = attach(ann, body["id"], "passport")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "kind"
    assert not FilingMaterial.objects.exists()


def test_submitting_without_the_declaration_is_refused_with_a_field_error(cast):
    ann, body = started(cast)
    for kind in body["required_materials"]:
        attach(ann, body["id"], kind)
    version = Filing.objects.get(pk=body["id"]).version
    response = post(
        ann, f"/api/v1/filings/{body['id']}/submit", {"version": version, "declaration_accepted": False}
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "declaration"
    assert Filing.objects.get(pk=body["id"]).state == FilingState.DRAFT


def test_returning_with_an_unknown_item_or_no_reason_is_a_422_and_changes_nothing(cast):
    _ann, body = submitted(cast)
    alice = bearer(cast.alice)
    url = f"/api/v1/filings/{body['id']}/return"
    bad_item = {"version": body["version"], "reasons": [{"item": "nonsense", "reason": "x"}]}
    assert post(alice, url, bad_item).status_code == 422
    assert post(alice, url, {"version": body["version"], "reasons": []}).status_code == 422
    assert Filing.objects.get(pk=body["id"]).state == FilingState.SUBMITTED


def test_another_county_regulator_gets_404_for_reading_and_acting(cast):
    _ann, body = submitted(cast)
    bob = bearer(cast.bob)
    assert bob.get(f"/api/v1/filings/{body['id']}").status_code == 404
    response = post(bob, f"/api/v1/filings/{body['id']}/accept", {"version": body["version"]})
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert bob.get("/api/v1/filings").json()["count"] == 0
    assert Filing.objects.get(pk=body["id"]).state == FilingState.SUBMITTED


def test_staff_and_the_inspector_read_the_filing_but_may_not_act(cast):
    _ann, body = submitted(cast)
    for user in (cast.stacy, cast.ivan):
        client = bearer(user)
        detail = client.get(f"/api/v1/filings/{body['id']}")
        assert detail.status_code == 200 and detail.json()["allowed_actions"] == []
        assert post(client, f"/api/v1/filings/{body['id']}/withdraw", {"version": 3}).status_code == 404
        assert client.get("/api/v1/filings").status_code == 404


def test_a_cancellation_needs_a_settlement_plan(cast):
    cast.inst_a.filing_status = "filed"
    cast.inst_a.save()
    ann = bearer(cast.ann)
    response = post(ann, "/api/v1/filings", {"institution_id": cast.inst_a.pk, "kind": "cancellation"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "settlement_plan"
    assert not Filing.objects.exists()


def test_the_material_downloads_with_the_stored_content_for_the_reviewer(cast):
    _ann, body = submitted(cast)
    material = Filing.objects.get(pk=body["id"]).materials.first()
    response = bearer(cast.alice).get(f"/api/v1/filings/{body['id']}/materials/{material.pk}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert bearer(cast.bob).get(f"/api/v1/filings/{body['id']}/materials/{material.pk}").status_code == 404


def test_the_receipt_is_404_before_acceptance(cast):
    ann, body = submitted(cast)
    assert ann.get(f"/api/v1/filings/{body['id']}/receipt.pdf").status_code == 404


def test_the_declaration_text_and_version(cast):
    body = bearer(cast.pat).get("/api/v1/filings/declaration").json()
    assert body == {"version": services.DECLARATION_VERSION, "text": services.DECLARATION_TEXT}


def test_the_lists_answer_in_a_fixed_number_of_queries_however_many_filings(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    zhou = bearer(cast.zhou)
    submitted(cast)
    zhou.get("/api/v1/me")  # the token's first use records last_used_at: not part of the list
    counts = {}
    for path in ("/api/v1/filings", "/api/v1/filings/review-queue"):
        with CaptureQueriesContext(connection) as one:
            assert zhou.get(path).json()["count"] == 1
        counts[path] = len(one)
    ben = bearer(cast.ben)
    body = post(ben, "/api/v1/filings", {"institution_id": cast.inst_b.pk}).json()
    post(ben, f"/api/v1/filings/{body['id']}/form", {"version": 1, "form": form_json()})
    for kind in body["required_materials"]:
        attach(ben, body["id"], kind)
    post(ben, f"/api/v1/filings/{body['id']}/submit", {"version": 2, "declaration_accepted": True})
    for path, n in counts.items():
        with CaptureQueriesContext(connection) as two:
            assert zhou.get(path).json()["count"] == 2
        assert len(two) == n, path


HUGE = "99999999999999999999999999"


@pytest.mark.parametrize("n", [HUGE, "9223372036854775808", "-1", "0"])
def test_hostile_ids_never_cause_a_server_error(cast, n):
    ann = bearer(cast.ann)
    for path in (
        f"/api/v1/filings/{n}",
        f"/api/v1/filings/{n}/materials/{n}",
        f"/api/v1/filings/{n}/receipt.pdf",
        f"/api/v1/filings/review-queue?offset={n}",
    ):
        response = ann.get(path)
        assert response.status_code in (404, 422) and response["Content-Type"] == PROBLEM, path
    for path, body in (
        ("/api/v1/filings", {"institution_id": int(n)}),
        (f"/api/v1/filings/{n}/submit", {"version": 1, "declaration_accepted": True}),
    ):
        response = post(ann, path, body)
        assert response.status_code in (404, 422) and response["Content-Type"] == PROBLEM, path


def test_a_nul_byte_in_a_comment_or_reason_is_a_422_on_every_database(cast):
    _ann, body = submitted(cast)
    alice = bearer(cast.alice)
    url = f"/api/v1/filings/{body['id']}/return"
    nul_reason = {"version": body["version"], "reasons": [{"item": "general", "reason": "a\x00b"}]}
    assert post(alice, url, nul_reason).status_code == 422
    nul_comment = {**nul_reason, "reasons": [{"item": "general", "reason": "补正"}], "comment": "x\x00"}
    assert post(alice, url, nul_comment).status_code == 422
    accept = {"version": body["version"], "comment": "\x00"}
    assert post(alice, f"/api/v1/filings/{body['id']}/accept", accept).status_code == 422
    assert Filing.objects.get(pk=body["id"]).state == FilingState.SUBMITTED
