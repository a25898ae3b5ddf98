from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class StandardsConfig(AppConfig):
    name = "tuoyu.standards"
    label = "standards"
    verbose_name = gettext_lazy("合规评估")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tuoyu.institutions.models import CareClass, Room
        from tuoyu.standards.catalogue import overrides

        overrides()  # a laxer national parameter stops start-up with ImproperlyConfigured

        # No room or class services exist yet: a saved or deleted room or class re-evaluates its institution
        # once the transaction commits.
        for model in (Room, CareClass):
            post_save.connect(
                _premises_changed, sender=model, dispatch_uid=f"standards.{model.__name__}.save"
            )
            post_delete.connect(
                _premises_changed, sender=model, dispatch_uid=f"standards.{model.__name__}.delete"
            )


def _premises_changed(sender, instance, **kwargs) -> None:  # noqa: ANN001, ANN003
    from tuoyu.standards.services import reevaluate_on_commit

    if not kwargs.get("raw"):
        reevaluate_on_commit(instance.institution_id)
