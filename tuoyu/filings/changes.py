"""Change filing (变更备案): the groups of institution facts an institution can change, in one place.

A change filing names the groups it changes (``Filing.changed_items``) and holds the proposed values
(``Filing.facts["proposed"]``, JSON: dates as ISO text, decimals as text, the region as its code, ID
numbers sealed with the field key — never plaintext). Only the changed groups are re-reviewed, with the
materials those groups need; on acceptance the proposed values are applied to the institution.

Values are parsed by the institution's own model fields (their validators, choices and labels), checked by
``Institution.full_clean()`` (its constraints), the ID-number check and the phone rule of the registration
form, and by the filing rules below (lease ≥ 3 years at filing, a home point takes at most 5 children).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.core import crypto, registry
from tuoyu.core.dates import add_years
from tuoyu.core.masking import mask_id_number, mask_phone
from tuoyu.core.validators import validate_id_number
from tuoyu.filings.models import MaterialKind
from tuoyu.institutions.models import Institution, InstitutionKind, PremisesTenure
from tuoyu.regions.models import Region, RegionLevel

ENCRYPTED = {"legal_rep_id_number", "director_id_number"}
# Sealed in the facts JSON as well: the phone (a mobile number is a person's). Unlike the ID numbers it is
# shown in the form and kept as typed; only its storage and its display on the diff differ.
SEALED = ENCRYPTED | {"phone"}


@dataclass(frozen=True)
class ChangeGroup:
    """One group of facts changed together, and the material that proves the change (if any)."""

    key: str
    label: Any
    fields: tuple[str, ...]
    material: str | None = None
    # The material is needed only when this returns True for the proposed values (default: always).
    material_when: Callable[[dict[str, Any], Institution], bool] | None = field(default=None, compare=False)

    def needs_material(self, proposed: dict[str, Any], institution: Institution) -> bool:
        if self.material is None:
            return False
        return self.material_when is None or self.material_when(proposed, institution)


def _name_changes(proposed: dict[str, Any], institution: Institution) -> bool:
    return "name" in proposed and proposed["name"] != institution.name


def _serves_meals(proposed: dict[str, Any], institution: Institution) -> bool:
    return bool(proposed.get("serves_meals"))


GROUPS: list[ChangeGroup] = [
    ChangeGroup(
        "basic",
        _("机构名称、地址和联系电话"),
        ("name", "address", "region", "phone"),
        MaterialKind.REGISTRATION_CERTIFICATE,
        _name_changes,
    ),
    ChangeGroup("legal_rep", _("法定代表人"), ("legal_rep_name", "legal_rep_id_number")),
    ChangeGroup(
        "director",
        _("机构负责人"),
        (
            "director_name",
            "director_id_number",
            "director_education",
            "director_management_years",
            "director_training_certificate",
        ),
        MaterialKind.STAFF_QUALIFICATIONS,
    ),
    ChangeGroup(
        "services",
        _("服务类型、收托月龄、托位数和服务时间"),
        (
            "offers_full_day",
            "offers_half_day",
            "offers_hourly",
            "offers_temporary",
            "min_age_months",
            "max_age_months",
            "capacity",
            "opening_hours",
        ),
    ),
    ChangeGroup(
        "meals",
        _("膳食服务"),
        ("serves_meals", "food_licence_number", "food_licence_date"),
        MaterialKind.FOOD_LICENCE,
        _serves_meals,
    ),
    ChangeGroup(
        "premises",
        _("场地"),
        (
            "premises_tenure",
            "lease_start",
            "lease_end",
            "floors_used",
            "uses_basement",
            "indoor_area_m2",
            "outdoor_area_m2",
            "uses_public_outdoor_space",
            "has_observation_room",
            "setting_mode",
        ),
        MaterialKind.PREMISES_PROOF,
    ),
    ChangeGroup(
        "surveillance",
        _("视频监控"),
        (
            "camera_count",
            "cameras_cover_entrances",
            "cameras_cover_children_areas",
            "recording_retention_days",
            "surveillance_attested",
        ),
    ),
    ChangeGroup("insurance", _("责任保险"), ("has_liability_insurance", "insurance_policy_number")),
]
GROUPS_BY_KEY = {g.key: g for g in GROUPS}
GROUP_CHOICES = [(g.key, g.label) for g in GROUPS]

# The 备案书 of an initial filing: the facts the registration does not carry (name, address and legal
# representative come with it). Every group is filled before submission; acceptance applies them.
FORM_GROUPS = ("director", "services", "meals", "premises", "surveillance", "insurance")
# Fields a 备案书 may not leave empty (the rest are optional or required by a filing rule).
FORM_REQUIRED = (
    "director_name",
    "director_id_number",
    "director_education",
    "min_age_months",
    "max_age_months",
    "capacity",
    "opening_hours",
    "premises_tenure",
    "floors_used",
    "indoor_area_m2",
    "camera_count",
    "recording_retention_days",
)
SERVICE_FLAGS = ("offers_full_day", "offers_half_day", "offers_hourly", "offers_temporary")


def group_label(key: str) -> str:
    group = GROUPS_BY_KEY.get(key)
    return str(group.label) if group else key


def field_label(name: str) -> str:
    if name == "region":
        return gettext("所在区划代码")
    return str(Institution._meta.get_field(name).verbose_name)


# --- parsing: the institution's own model fields --------------------------------------------------------


def _form_field(name: str) -> forms.Field:
    if name == "region":
        return forms.CharField(
            label=field_label("region"),
            max_length=12,
            help_text=_("县（区）或街道（乡镇）代码，如 430202001"),
        )
    if name in ENCRYPTED:
        return forms.CharField(
            label=field_label(name),
            max_length=30,
            required=False,
            help_text=_("不修改请留空；当前值以脱敏形式显示在上方。"),
        )
    model_field = Institution._meta.get_field(name)
    form_field = model_field.formfield()
    if isinstance(form_field, forms.DateField):
        form_field.widget = forms.DateInput(attrs={"type": "date"})
    return form_field


class ChangeForm(forms.Form):
    """The fields of the chosen groups, parsed by the institution's model fields (the web page and the
    API both go through it, inside ``filing_change_set``)."""

    def __init__(
        self, *args: Any, groups: Iterable[str], initial_filing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups = [GROUPS_BY_KEY[k] for k in groups]
        for group in self.groups:
            for name in group.fields:
                self.fields[name] = _form_field(name)
                if initial_filing and name in FORM_REQUIRED and name not in ENCRYPTED:
                    self.fields[name].required = True
                if initial_filing and name in ENCRYPTED:
                    self.fields[name].help_text = _("已填写的号码以脱敏形式显示在上方，不修改请留空。")
                widget = self.fields[name].widget
                if isinstance(widget, forms.CheckboxInput):
                    widget.attrs.setdefault("class", "form-check-input")
                elif isinstance(widget, forms.Select):
                    widget.attrs.setdefault("class", "form-select")
                else:
                    widget.attrs.setdefault("class", "form-control")

    def clean_region(self) -> Region:
        code = (self.cleaned_data.get("region") or "").strip()
        region = Region.objects.filter(code=code).first() if code.isdigit() else None
        if region is None:
            raise ValidationError(_("没有这个区划代码。"), code="unknown_region")
        if region.level not in (RegionLevel.COUNTY, RegionLevel.FUNCTIONAL_ZONE, RegionLevel.STREET):
            raise ValidationError(_("所在区划须具体到县（区）或街道（乡镇）。"), code="region_level")
        return region

    def clean_phone(self) -> str:
        from tuoyu.institutions.forms import _phone  # the registration form's phone rule

        return _phone(self.cleaned_data.get("phone", ""))

    def clean_legal_rep_id_number(self) -> str:
        value = (self.cleaned_data.get("legal_rep_id_number") or "").strip()
        return validate_id_number(value) if value else ""

    def clean_director_id_number(self) -> str:
        value = (self.cleaned_data.get("director_id_number") or "").strip()
        return validate_id_number(value) if value else ""

    def group_rows(self) -> list[dict[str, Any]]:
        return [{"group": g, "fields": [self[name] for name in g.fields]} for g in self.groups]


def initial_values(institution: Institution, groups: Iterable[str], proposed: dict[str, Any]) -> dict:
    """What the change form shows: the proposed value where there is one, else the current one (never an
    ID number: those are typed anew or left empty to keep)."""
    out: dict[str, Any] = {}
    for key in groups:
        for name in GROUPS_BY_KEY[key].fields:
            if name in ENCRYPTED:
                continue
            if name in proposed:
                out[name] = proposed[name].code if name == "region" else proposed[name]
            elif name == "region":
                out[name] = institution.region_id
            else:
                out[name] = getattr(institution, name)
    return out


def as_form_data(changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Flatten ``{group: {field: value}}`` into form data; booleans stay booleans (CheckboxInput reads them)."""
    data: dict[str, Any] = {}
    for values in changes.values():
        for name, value in (values or {}).items():
            if isinstance(value, Region):
                value = value.code
            elif isinstance(value, (list, dict, tuple, set)):
                value = "?"  # not a value of any field: refused by the field, never a crash
            elif isinstance(value, (dt.date, Decimal, int, float)) and not isinstance(value, bool):
                value = str(value)
            data[name] = value
    return data


# --- rules over the institution as it would be ------------------------------------------------------------


def form_problems(institution: Institution) -> list[tuple[str, str]]:
    """What a 备案书 leaves unanswered, as (field, message): the required fields and a service type."""
    problems = [
        (name, gettext("请填写%(label)s。") % {"label": field_label(name)})
        for name in FORM_REQUIRED
        if getattr(institution, name) in (None, "")
    ]
    if not any(getattr(institution, flag) for flag in SERVICE_FLAGS):
        problems.append(("offers_full_day", gettext("请至少选择一种服务类型。")))
    if not institution.surveillance_attested:
        problems.append(("surveillance_attested", gettext("请确认视频监控情况属实。")))
    return problems


def filing_rule_problems(institution: Institution) -> list[tuple[str, str]]:
    """The filing rules an institution's facts must meet, as (field, message). The numbers are the compliance
    rules' parameters with the city's overrides (SIT-01's lease, RAT-02's home-point size), and the lease is
    counted as SIT-01 counts it, so the form refuses exactly what the compliance page would fail. The
    parameters come through ``core.registry.rule_params``; without the compliance engine there are none and
    those two checks are not made."""
    problems: list[tuple[str, str]] = []
    if institution.premises_tenure == PremisesTenure.LEASED:
        if not institution.lease_start or not institution.lease_end:
            problems.append(("lease_end", gettext("租赁场地须填写租赁起止日期。")))
        else:
            years = registry.rule_params("SIT-01", institution.region_prefix).get("min_lease_years")
            if years is not None and institution.lease_end < add_years(institution.lease_start, int(years)):
                problems.append(("lease_end", gettext("租赁场地的租期不得少于%(y)d年。") % {"y": int(years)}))
    most = registry.rule_params("RAT-02", institution.region_prefix).get("max_children")
    if (
        institution.kind == InstitutionKind.HOME_POINT
        and most is not None
        and institution.capacity is not None
        and institution.capacity > int(most)
    ):
        problems.append(("capacity", gettext("家庭托育点收托人数不得超过%(n)d人。") % {"n": int(most)}))
    if institution.serves_meals and not institution.food_licence_number.strip():
        problems.append(("food_licence_number", gettext("提供膳食须填写食品经营许可证编号。")))
    if institution.has_liability_insurance and not institution.insurance_policy_number.strip():
        problems.append(("insurance_policy_number", gettext("已投保责任保险须填写保单号。")))
    return problems


# --- storing proposed values in JSON ------------------------------------------------------------------------


def _context(name: str) -> str:
    return f"filings.Filing.facts.{name}"


def to_json(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in SEALED:
        return crypto.encrypt(str(value), context=_context(name)) if value else ""
    if name == "region":
        return value.code
    if isinstance(value, (dt.date, Decimal)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def from_json(name: str, value: Any) -> Any:
    """The Python value of a stored proposed value (ID numbers decrypted; only services call this)."""
    if value is None:
        return None
    if name in SEALED and value:
        try:
            return crypto.decrypt(value, context=_context(name))
        except crypto.DecryptionError:
            if name in ENCRYPTED:
                raise
            return value  # a phone proposed before phones were sealed: in clear until the draft is saved
    if name in SEALED:
        return ""
    if name == "region":
        return Region.objects.get(code=value)
    model_field = Institution._meta.get_field(name)
    return model_field.to_python(value)


def proposed_values(facts: dict[str, Any]) -> dict[str, Any]:
    stored = (facts or {}).get("proposed") or {}
    return {name: from_json(name, value) for name, value in stored.items()}


def current_value(institution: Institution, name: str) -> Any:
    return institution.region if name == "region" else getattr(institution, name)


def display(name: str, value: Any) -> str:
    """How a value shows on the reviewer's diff: labels for choices, 是/否, masked ID numbers."""
    if name in ENCRYPTED:
        return mask_id_number(value) or "—"
    if name == "phone":
        return mask_phone(value) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if name == "region":
        return f"{value.name}（{value.code}）"
    if isinstance(value, dt.date):
        return value.isoformat()
    model_field = Institution._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def differs(name: str, old: Any, new: Any) -> bool:
    if name == "region":
        return getattr(old, "pk", old) != getattr(new, "pk", new)
    return (old if old is not None else "") != (new if new is not None else "")


def diff(
    institution: Institution, changed_items: list[str], facts: dict[str, Any], *, every_field: bool = False
) -> list[dict[str, Any]]:
    """The reviewer's view: per changed group, each field whose proposed value differs from today's (or,
    for a 备案书, ``every_field`` it states)."""
    proposed = proposed_values(facts)
    out = []
    for key in changed_items:
        group = GROUPS_BY_KEY.get(key)
        if group is None:
            continue
        rows = [
            {
                "field": name,
                "label": field_label(name),
                "current": display(name, current_value(institution, name)),
                "proposed": display(name, proposed[name]),
            }
            for name in group.fields
            if name in proposed
            and (every_field or differs(name, current_value(institution, name), proposed[name]))
        ]
        out.append({"key": key, "label": group.label, "rows": rows, "material": group.material})
    return out


def required_materials(
    institution: Institution, changed_items: list[str], facts: dict[str, Any]
) -> list[str]:
    proposed = proposed_values(facts) if changed_items else {}
    needed: list[str] = []
    for key in changed_items:
        group = GROUPS_BY_KEY.get(key)
        if group and group.needs_material(proposed, institution) and group.material not in needed:
            needed.append(group.material)
    return needed
