from .views import advocacy, calendar, cases, clients, community, district, groups, labels, subject_requests

app_name = "casework"

urlpatterns = [
    *cases.urlpatterns,
    *calendar.urlpatterns,
    *clients.urlpatterns,
    *groups.urlpatterns,
    *community.urlpatterns,
    *advocacy.urlpatterns,
    *district.urlpatterns,
    *subject_requests.urlpatterns,
    *labels.urlpatterns,
]
