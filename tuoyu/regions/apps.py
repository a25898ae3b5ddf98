from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "tuoyu.regions"
    label = "regions"
    verbose_name = _("行政区划")
