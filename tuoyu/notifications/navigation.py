"""The inbox's menu entry, with the unread count."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry
from tuoyu.notifications.selectors import unread_count

# Everyone has an inbox: filing steps, reminders and decisions arrive there.
menu_entry(
    name="notifications",
    label=_("消息"),
    url="notifications:inbox",
    order=20,
    badge=lambda user: unread_count(viewer=user),
    badge_label=_("条未读"),
)
