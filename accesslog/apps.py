from django.apps import AppConfig


class AccesslogConfig(AppConfig):
    name = "accesslog"
    verbose_name = "Access log"
