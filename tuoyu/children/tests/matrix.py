"""The permission-matrix rows of children (幼儿): guardians, consent and enrolment (tuoyu/children/urls.py,
api.py). The premises checks come from institutions' rows.

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from typing import Any

from tuoyu.institutions.tests.matrix import PremisesAct, PremisesCreate, PremisesList
from tuoyu.testing.matrix import (
    Check,
    Checks,
    Env,
    RolesOnly,
    status_of,
    to_login,
)

# Children: the institution's admin, the health bureau of its region (masked); not partner inspectors, not
# staff (until caregiver assignment exists), not parents, not the auditor or the system admin.
CHILD_SIGHT: dict[str, set[str]] = {
    "zhou": {"inst_a", "inst_b"},
    "alice": {"inst_a"},
    "bob": {"inst_b"},
    "carol": {"inst_hebi"},
    "ann": {"inst_a"},
    "ben": {"inst_b"},
}


class ChildImportReport(Check):
    """The last failed roster import's report is in the uploader's own session; nobody else has one."""

    def __call__(self, env: Env, role: str) -> None:
        path = "/children/import/report.xlsx"
        response = env.client(role).get(path)
        if role == "anonymous":
            to_login(response, role, path)
        else:
            status_of(response, role, path, 404)


def _child_data(role: str) -> dict[str, Any]:
    import datetime as dt

    from tuoyu.children.tests.helpers import months_before

    return {
        "name": f"{role}新生",
        "sex": "F",
        "birth_date": months_before(dt.date.today(), 20).isoformat(),
        "guardian_name": "李四",
        "guardian_relationship": "mother",
        "guardian_phone": "13712345678",
    }


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


ROWS: dict[str, Check] = {
    # the declared list (children.lists): filtered and sorted, the same reach; no ?format= export (the
    # roster's export is /children/export.xlsx): 404 to everyone
    "children/": Checks(
        (
            PremisesList("/children/", "child", CHILD_SIGHT, page_roles={*CHILD_SIGHT, "stacy"}),
            PremisesList(
                "/children/?q=幼儿&sort=-birth_date", "child", CHILD_SIGHT, page_roles={*CHILD_SIGHT, "stacy"}
            ),
            RolesOnly("/children/?format=csv", ()),
        )
    ),
    "children/new/": PremisesCreate("/children/new/", "children.Child", _child_data, 302),
    "children/export.xlsx": RolesOnly("/children/export.xlsx", ("ann", "ben")),
    "children/import/": RolesOnly("/children/import/", ("ann", "ben")),
    "children/import/template.xlsx": RolesOnly("/children/import/template.xlsx", ("ann", "ben")),
    "children/import/report.xlsx": ChildImportReport(),
    "children/<int:child_id>/": PremisesAct("GET", "/children/{child_id}/", 200, sight=CHILD_SIGHT),
    "children/<int:child_id>/guardians/": PremisesAct(
        "POST",
        "/children/{child_id}/guardians/",
        302,
        {"name": "李美丽", "relationship": "mother", "phone": "13712345678"},
    ),
    "children/<int:child_id>/consents/": PremisesAct(
        "POST",
        "/children/{child_id}/consents/",
        302,
        lambda w: {"guardian": w["child"].guardians.first().pk, "scope": ["health"], "text_version": "v2"},
    ),
    "children/<int:child_id>/consents/<int:consent_id>/withdraw/": PremisesAct(
        "POST", "/children/{child_id}/consents/{consent_id}/withdraw/", 302
    ),
    "children/<int:child_id>/enroll/": PremisesAct(
        "POST",
        "/children/{child_id}/enroll/",
        302,
        lambda w: {"care_class": w["class2"].pk, "start_date": _today()},
    ),
    "children/<int:child_id>/leave/": PremisesAct(
        "POST", "/children/{child_id}/leave/", 302, lambda w: {"end_date": _today()}
    ),
    "children/<int:child_id>/reveal/": PremisesAct("POST", "/children/{child_id}/reveal/", 200),
    "GET /api/v1/children": Checks(
        (
            PremisesList("/api/v1/children?limit=200", "child", CHILD_SIGHT),
            PremisesList("/api/v1/children?limit=200&q=幼儿&sort=-birth_date", "child", CHILD_SIGHT),
        )
    ),
    "POST /api/v1/children": PremisesCreate("/api/v1/children", "children.Child", _child_data, 201),
    "GET /api/v1/children/{child_id}": PremisesAct(
        "GET", "/api/v1/children/{child_id}", 200, sight=CHILD_SIGHT
    ),
    "POST /api/v1/children/{child_id}/guardians": PremisesAct(
        "POST",
        "/api/v1/children/{child_id}/guardians",
        201,
        {"name": "李美丽", "relationship": "mother", "phone": "13712345678"},
    ),
    "POST /api/v1/children/{child_id}/consents": PremisesAct(
        "POST",
        "/api/v1/children/{child_id}/consents",
        201,
        lambda w: {"guardian_id": w["child"].guardians.first().pk, "scope": ["health"], "text_version": "v2"},
    ),
    "POST /api/v1/children/{child_id}/consents/{consent_id}/withdraw": PremisesAct(
        "POST", "/api/v1/children/{child_id}/consents/{consent_id}/withdraw", 200
    ),
    "POST /api/v1/children/{child_id}/enrollments": PremisesAct(
        "POST",
        "/api/v1/children/{child_id}/enrollments",
        201,
        lambda w: {"class_id": w["class2"].pk, "start_date": _today()},
    ),
    "POST /api/v1/children/{child_id}/leave": PremisesAct(
        "POST", "/api/v1/children/{child_id}/leave", 200, lambda w: {"end_date": _today()}
    ),
}
