from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Identity and access"

    def ready(self) -> None:
        from . import mfa_admin, signals  # noqa: F401  (signals connects the audit log's receivers)

        mfa_admin.register()  # after the admin's autodiscovery registered allauth's own
