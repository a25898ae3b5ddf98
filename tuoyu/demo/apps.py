from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo world (演示数据), built through the services by ``tuoyu demo``. A face: no app imports it."""

    name = "tuoyu.demo"
    label = "demo"
    verbose_name = _("演示数据")
