"""Shared pytest fixtures: a real Chromium driven by Playwright, with an axe check.

Browser tests are marked ``browser``; the test command runs them in their own pass. They use
Debian's Chromium (``/usr/bin/chromium``) because downloading a browser does not work here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("TESTING", "1")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by test
# set-up code in that same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; the test command installs it with apt-get")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


#: Reports every Content-Security-Policy violation to the console, where ``Page`` collects it
#: (Chromium logs most of them itself; this also catches the ones it reports only as events).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Page:
    """A Playwright page that records console errors (Content-Security-Policy violations
    included) and failed requests, and checks axe."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.console: list[str] = []
        self.offsite: list[str] = []
        page.add_init_script(CSP_LISTENER)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))
        page.on("request", self._on_request)
        page.on(
            "response",
            lambda r: r.status >= 400 and self.console.append(f"HTTP {r.status}: {r.url}"),
        )

    def _on_console(self, message: Any) -> None:
        if message.type in {"error", "warning"}:
            self.console.append(f"{message.type}: {message.text}")

    def _on_request(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base_url) or url.startswith(("data:", "about:", "blob:"))):
            self.offsite.append(url)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m or "CSP violation" in m]

    def check(self) -> None:
        """No Content-Security-Policy violation, axe reports no violations, the console is
        clean and nothing left our host."""
        assert not self.csp_violations(), self.csp_violations()
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        violations = results.response.get("violations", [])
        assert not violations, results.generate_report()
        assert not self.console, self.console
        assert not self.offsite, self.offsite

    def login(self, username: str, password: str) -> None:
        self.page.goto(self.base_url + "/logga-in/")
        self.page.get_by_label("Användarnamn").fill(username)
        self.page.get_by_label("Lösenord").fill(password)
        self.page.get_by_role("button", name="Logga in").click()
        self.page.wait_for_load_state()


@pytest.fixture
def browser_page(chromium: Any, live_server: Any) -> Iterator[Page]:
    context = chromium.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    page = Page(context.new_page(), live_server.url)
    yield page
    context.close()
