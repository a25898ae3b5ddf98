from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "tuoyu.institutions"
    label = "institutions"
    verbose_name = "托育机构"
