from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class FilingsConfig(AppConfig):
    name = "tuoyu.filings"
    label = "filings"
    verbose_name = gettext_lazy("备案")
