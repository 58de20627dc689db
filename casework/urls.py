from .views import advocacy, calendar, cases, clients, community, district, groups, labels

app_name = "casework"

urlpatterns = [
    *cases.urlpatterns,
    *calendar.urlpatterns,
    *clients.urlpatterns,
    *groups.urlpatterns,
    *community.urlpatterns,
    *advocacy.urlpatterns,
    *district.urlpatterns,
    *labels.urlpatterns,
]
