from django.urls import path

from . import views

app_name = "positions"

urlpatterns = [
    path("", views.network, name="network"),
    path("coverage/", views.coverage, name="coverage"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_update, name="unit_update"),
    path("regions/new/", views.region_create, name="region_create"),
    path("regions/<int:pk>/edit/", views.region_update, name="region_update"),
]
