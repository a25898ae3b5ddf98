from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class FeesConfig(AppConfig):
    name = "tuoyu.fees"
    label = "fees"
    verbose_name = gettext_lazy("收费标准")
