"""The positions app's pages, gathered from each area's views module."""

from socialwork.imports import views as imports

from .views import allowance, assessment, honours, network, registration, workforce

app_name = "positions"

urlpatterns = [
    *network.urlpatterns,
    *workforce.urlpatterns,
    *honours.urlpatterns,
    *assessment.urlpatterns,
    *allowance.urlpatterns,
    *registration.urlpatterns,
    *imports.urlpatterns,
]
