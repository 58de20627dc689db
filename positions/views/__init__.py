"""Pages of the positions app; each area module ends with its `urlpatterns`."""
