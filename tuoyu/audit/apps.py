from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tuoyu.audit"
    label = "audit"
    verbose_name = "审计"
