from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuoyu.audit import registry
from tuoyu.audit.models import Outcome

Choices = list[tuple[str, str | Promise]]


def action_groups() -> list[tuple[str | Promise, Choices]]:
    """The action select: one group per app that writes events, headed by "all of this app", then its
    actions as it declares them; and the undeclared ones. Labels are lazy: they read in the viewer's
    language."""
    out: list[tuple[str | Promise, Choices]] = [("", [("", _("全部"))])]
    for group in registry.groups():
        options: Choices = [
            (registry.APP_PREFIX + group.app_label, _("%(app)s：全部操作") % {"app": group.verbose_name})
        ]
        out.append((group.verbose_name, options + list(group.choices.choices)))
    out.append((_("其他"), [(registry.UNDECLARED, _("未登记的操作"))]))
    return out


def _action_choices() -> list[Any]:
    groups = action_groups()
    return [*groups[0][1], *groups[1:]]


class EventFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False, choices=_action_choices)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    object_id = forms.CharField(label=_("对象ID"), required=False, max_length=64)
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部")), *Outcome.choices])
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def action_groups(self) -> list[tuple[str | Promise, Choices]]:
        return action_groups()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", ValidationError(_("截止日期不能早于起始日期。"), code="range"))
        return data
