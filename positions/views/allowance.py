"""allowance pages (to be written)."""

urlpatterns = []
