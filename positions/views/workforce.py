"""Workforce pages (written next)."""

urlpatterns = []
