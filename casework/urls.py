from .views import advocacy, cases, clients, community, district, groups

app_name = "casework"

urlpatterns = [
    *cases.urlpatterns,
    *clients.urlpatterns,
    *groups.urlpatterns,
    *community.urlpatterns,
    *advocacy.urlpatterns,
    *district.urlpatterns,
]
