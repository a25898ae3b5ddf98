from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DisclosureConfig(AppConfig):
    name = "tuoyu.disclosure"
    label = "disclosure"
    verbose_name = gettext_lazy("信息公示")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from tuoyu.core import publiccache
        from tuoyu.fees.models import FeeSchedule
        from tuoyu.filings.models import Filing
        from tuoyu.institutions.models import Institution

        # What the public list shows changed: forget the cached public pages once the change commits
        # (core/publiccache.py; other worker processes forget at the latest after the cache timeout).
        def changed(**kwargs: object) -> None:
            transaction.on_commit(publiccache.clear)

        for model in (Institution, Filing, FeeSchedule):
            uid = f"disclosure.publiccache.{model._meta.label}"
            post_save.connect(changed, sender=model, dispatch_uid=f"{uid}.save", weak=False)
            post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
