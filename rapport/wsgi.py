import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
application = get_wsgi_application()

# In production, the deployment checks run before anything is served: a mail setting that would
# write every email to the log (operations.E001), for one, stops gunicorn from starting.
from rapport.operations.checks import start_up_checks  # noqa: E402

start_up_checks()
