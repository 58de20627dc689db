"""imports pages (to be written)."""

urlpatterns = []
