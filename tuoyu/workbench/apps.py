from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    """工作台: each role's home page and the menu, assembled from what the apps register (core.registry).
    A face: it may read every app; no app imports it."""

    name = "tuoyu.workbench"
    label = "workbench"
    verbose_name = _("工作台")
