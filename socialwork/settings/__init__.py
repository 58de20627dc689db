"""Settings: base, development, production and test; `site` picks one by DJANGO_DEBUG."""
