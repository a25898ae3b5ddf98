from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "tuoyu.institutions"
    label = "institutions"
    verbose_name = _("托育机构")
