"""assessment pages (to be written)."""

urlpatterns = []
