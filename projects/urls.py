"""The projects app's pages."""

from .views import urlpatterns as project_urls
from .views.evaluations import urlpatterns as evaluation_urls
from .views.panels import urlpatterns as panel_urls

app_name = "projects"
urlpatterns = [*evaluation_urls, *project_urls, *panel_urls]

__all__ = ["app_name", "urlpatterns"]
