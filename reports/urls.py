from .views import annual, archive, dashboard, dossiers, exports, upward

app_name = "reports"

urlpatterns = [
    *dashboard.urlpatterns,
    *annual.urlpatterns,
    *exports.urlpatterns,
    *archive.urlpatterns,
    *dossiers.urlpatterns,
    *upward.urlpatterns,
]
