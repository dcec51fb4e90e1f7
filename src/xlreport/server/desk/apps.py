"""The app's configuration (label `desk`)."""

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "xlreport.server.desk"
    label = "desk"
    verbose_name = "报送台"
    default_auto_field = "django.db.models.BigAutoField"
