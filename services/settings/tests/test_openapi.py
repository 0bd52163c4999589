"""The settings service's OpenAPI document: served, valid, complete, and what the routes accept."""

from servicekit.openapi_checks import (
    Call,
    body_problems,
    response_problems,
    route_problems,
    validation_problems,
)
from servicekit.testing import vouched_headers

ORG = "00000000-0000-4000-8000-0000000000aa"


def _document(api) -> dict:
    response = api.get("/openapi.json", key=None)
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_served_without_the_internal_key_and_is_valid_openapi(api):
    document = _document(api)
    assert document["info"]["title"] == "Resultat Finans settings service"
    assert validation_problems(document) == []


def test_every_route_is_documented_with_its_methods_and_nothing_else(api):
    assert route_problems(api.app, _document(api)) == []


def test_every_operation_needs_the_internal_key_and_says_a_bad_org_id_is_422(api):
    for item in _document(api)["paths"].values():
        for operation in item.values():
            assert operation["security"] == [{"internalKey": []}]
            assert {"401", "422"} <= set(operation["responses"])


def test_the_documented_example_is_saved_and_each_required_field_is_asked_for(api):
    def prepare(method: str, path: str) -> Call:
        return Call(path={"org_id": ORG}, headers=vouched_headers(method, path, ORG))

    assert body_problems(api.client, _document(api), prepare) == []
    assert api.get(f"/internal/organisations/{ORG}/payment-method").get_json()["display"] == (
        "160-9908"
    )


def test_every_answer_fits_the_document_before_and_after_a_save(api):
    document = _document(api)
    base = f"/internal/organisations/{ORG}"
    for saved in (False, True):
        if saved:
            body = {"method": "plusgiro", "number": "410 54 68-5"}
            assert api.put(f"{base}/payment-method", body).status_code == 200
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if "requestBody" in operation:
                    continue
                url = path.replace("{org_id}", ORG)
                where = f"{method.upper()} {path}"
                answer = api.call(method.upper(), url)
                assert response_problems(document, operation, where, answer) == []
