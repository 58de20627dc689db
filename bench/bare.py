"""The bare Django view the throughput is compared with: a fixed JSON answer, no middleware, no
database, served by the same gunicorn settings as the app (`gunicorn bench.bare:application`)."""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import path

from bench.views import fixed

settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, SECRET_KEY="bench-" + "x" * 50)

urlpatterns = [path("", fixed)]
django.setup()
application = get_wsgi_application()
