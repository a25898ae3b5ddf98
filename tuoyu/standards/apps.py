from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class StandardsConfig(AppConfig):
    name = "tuoyu.standards"
    label = "standards"
    verbose_name = gettext_lazy("合规评估")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tuoyu.core.signals import rows_created
        from tuoyu.standards import (
            hooks,  # noqa: F401  (answers core.registry's rule_params and filing.submit guard)
            rules,  # noqa: F401  (declares every rule's parameters)
        )
        from tuoyu.standards.parameters import overrides
        from tuoyu.standards.signals import changed, created_in_bulk, watched

        overrides()  # a laxer national parameter stops start-up with ImproperlyConfigured

        # Any saved or deleted row an evaluated rule reads re-evaluates its institution(s) once the transaction
        # commits, once per institution per transaction (services.reevaluate_on_commit batches them).
        for model in watched():
            uid = f"standards.{model._meta.label}"
            post_save.connect(changed, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}.delete")
            rows_created.connect(created_in_bulk, sender=model, dispatch_uid=f"{uid}.bulk")
