"""The workbench's own menu entries: the home page first, the API documentation last."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry

menu_entry(name="home", label=_("首页"), url="home", order=10)
menu_entry(name="api-docs", label=_("API文档"), url=lambda: "/api/v1/docs", order=260)
