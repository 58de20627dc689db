"""WSGI entry point: gunicorn serves `socialwork.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialwork.settings.site")

application = get_wsgi_application()
