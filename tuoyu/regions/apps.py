from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "tuoyu.regions"
    label = "regions"
    verbose_name = "行政区划"
