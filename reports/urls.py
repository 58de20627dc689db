from .views import annual, dashboard, exports

app_name = "reports"

urlpatterns = [*dashboard.urlpatterns, *annual.urlpatterns, *exports.urlpatterns]
