from .views import annual, archive, dashboard, exports

app_name = "reports"

urlpatterns = [*dashboard.urlpatterns, *annual.urlpatterns, *exports.urlpatterns, *archive.urlpatterns]
