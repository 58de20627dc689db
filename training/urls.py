"""The training app's pages."""

from .views import urlpatterns

app_name = "training"

__all__ = ["app_name", "urlpatterns"]
