"""Project-wide middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation


class StockholmTimeMiddleware:
    """Show every time in Swedish local time; the database keeps UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(settings.DISPLAY_TIME_ZONE)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the person chose English with the language switch.

    The browser's Accept-Language is ignored on purpose: shared ward computers often run an
    English operating system, and staff should not get an English interface by accident.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # No "Vary: Accept-Language": the header is ignored on purpose (see above), and the
        # public status pages carry their language in the address, so shared caches may keep
        # them.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
