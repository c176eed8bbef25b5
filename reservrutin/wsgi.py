"""WSGI entry point (``reservrutin serve`` runs it under granian)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reservrutin.settings")

from reservrutin.statuspage.fastpath import PublicFastPath

application = PublicFastPath(get_wsgi_application())
