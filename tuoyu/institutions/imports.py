"""The registration batch (Excel): one row per registration, imported all or nothing.

Each row goes through the same RegistrationForm and registration_record as the web form and the API,
so the rules, the idempotency and the audit trail are the same.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.core.excel import Column, ImportOutcome, Kind, Row, Sheet, import_all_or_nothing, read_rows
from tuoyu.institutions.forms import RegistrationForm
from tuoyu.institutions.models import (
    InstitutionKind,
    LegalPersonKind,
    RegistrationAuthority,
    RegistrationSource,
)
from tuoyu.institutions.services import registration_record


def _choice(choices: Any) -> Any:
    """A column parser from a label (as in the dropdown) or a code to the code."""
    by_label = {str(label): value for value, label in choices}
    values = {value for value, _label in choices}

    def parse(cell: Any) -> str:
        text = str(cell).strip()
        if text in values:
            return text
        if text in by_label:
            return by_label[text]
        raise ValidationError(
            _("不是可选值之一：%(allowed)s") % {"allowed": "、".join(by_label)}, code="choice"
        )

    return parse


PROFIT = [("true", gettext_lazy("营利性")), ("false", gettext_lazy("非营利性"))]

REGISTRATION_SHEET = Sheet(
    name="登记信息",
    max_rows=5000,
    columns=[
        Column(
            "source_event_id",
            gettext_lazy("来源事件编号"),
            help=gettext_lazy("登记系统中的编号；重复导入同一编号不会重复创建"),
            example="SAMR-2026-000123",
            max_length=100,
        ),
        Column("name", gettext_lazy("机构名称"), required=True, max_length=200, example="荷塘区阳光托育中心"),
        Column(
            "uscc",
            gettext_lazy("统一社会信用代码"),
            required=True,
            max_length=30,
            example="91430202MA4L0XXXXX",
        ),
        Column(
            "kind",
            gettext_lazy("类型"),
            required=True,
            choices=InstitutionKind.choices,
            parse=_choice(InstitutionKind.choices),
        ),
        Column(
            "legal_person_kind",
            gettext_lazy("法人类型"),
            required=True,
            choices=LegalPersonKind.choices,
            parse=_choice(LegalPersonKind.choices),
        ),
        Column(
            "is_for_profit",
            gettext_lazy("营利性质"),
            required=True,
            choices=PROFIT,
            parse=_choice(PROFIT),
        ),
        Column(
            "authority",
            gettext_lazy("登记机关"),
            required=True,
            choices=RegistrationAuthority.choices,
            parse=_choice(RegistrationAuthority.choices),
        ),
        Column(
            "registration_date", gettext_lazy("登记日期"), required=True, kind=Kind.DATE, example="2026-03-02"
        ),
        Column(
            "business_scope",
            gettext_lazy("经营（业务）范围"),
            required=True,
            max_length=2000,
            example="托育服务",
        ),
        Column("legal_rep_name", gettext_lazy("法定代表人"), required=True, max_length=50),
        Column("legal_rep_id_number", gettext_lazy("法定代表人身份证号"), required=True, max_length=30),
        Column("address", gettext_lazy("地址"), required=True, max_length=300),
        Column(
            "region",
            gettext_lazy("所在区划代码"),
            required=True,
            max_length=12,
            example="430202001",
            help=gettext_lazy("县（区）或街道（乡镇）代码"),
        ),
        Column("phone", gettext_lazy("联系电话"), max_length=20),
    ],
)


def registration_import(*, by: Any, file: Any) -> ImportOutcome:
    """Read and import a batch. Any bad row (or a file-level problem) imports nothing."""
    result = read_rows(file, REGISTRATION_SHEET)
    result.flag_duplicates("uscc")
    result.flag_duplicates("source_event_id")

    def apply_row(row: Row) -> None:
        data = {k: v for k, v in row.values.items() if v is not None}
        if "registration_date" in data:
            data["registration_date"] = data["registration_date"].isoformat()
        form = RegistrationForm(data=data)
        if not form.is_valid():
            raise ValidationError({f: list(errs.as_data()) for f, errs in form.errors.items()})
        registration_record(
            by=by,
            data=form.registration_data(),
            source=RegistrationSource.EXCEL,
            source_event_id=row.get("source_event_id", ""),
        )

    return import_all_or_nothing(result, apply_row)
