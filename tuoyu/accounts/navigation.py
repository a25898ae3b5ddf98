"""Account management (the system admin) and one's own API tokens."""

from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import ApiToken, User
from tuoyu.core.registry import menu_entry
from tuoyu.core.scoping import allows

menu_entry(name="users", label=_("账号管理"), url="users:list", order=210, allowed=allows(User, "change"))
menu_entry(name="tokens", label=_("API令牌"), url="accounts:tokens", order=250, allowed=allows(ApiToken))
