from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DisclosureConfig(AppConfig):
    name = "tuoyu.disclosure"
    label = "disclosure"
    verbose_name = gettext_lazy("信息公示")
