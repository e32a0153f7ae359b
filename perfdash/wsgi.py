import os

from django.core.wsgi import get_wsgi_application

from perfdash.production import refuse_unsafe_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfdash.settings")
application = get_wsgi_application()
refuse_unsafe_settings()
