import os

from django.core.asgi import get_asgi_application

from perfdash.production import refuse_unsafe_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfdash.settings")
application = get_asgi_application()
refuse_unsafe_settings()
