"""The projects app's pages."""

from .views import urlpatterns

app_name = "projects"

__all__ = ["app_name", "urlpatterns"]
