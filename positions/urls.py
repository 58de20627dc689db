"""The positions app's pages, gathered from each area's views module."""

from .views import allowance, assessment, honours, imports, network, workforce

app_name = "positions"

urlpatterns = [
    *network.urlpatterns,
    *workforce.urlpatterns,
    *honours.urlpatterns,
    *assessment.urlpatterns,
    *allowance.urlpatterns,
    *imports.urlpatterns,
]
