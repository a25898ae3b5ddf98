from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class BansConfig(AppConfig):
    name = "tuoyu.bans"
    label = "bans"
    verbose_name = gettext_lazy("终身禁入")
