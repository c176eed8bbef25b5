"""No personal identity number reaches a log line (principle 7, issue 17), in text and JSON
format; JSON lines parse and carry the request id, user and organisation, and a worker's
lines say which loop wrote them."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from unittest import mock

from django.conf import settings
from django.core.management import call_command

from reservrutin.lib import env
from reservrutin.lib.logs import log_format, logging_config, request_id_from
from reservrutin.test import BaseTestCase

PNR = "19121212-1212"
log = logging.getLogger(__name__)


def step_that_logs() -> bool:
    """A worker step that logs an identity number, then fails with one in its message."""
    log.info("claimed message for %s", PNR, extra={"patient": PNR})
    raise ValueError(f"recipient {PNR} refused")


class LogLinesTestCase(BaseTestCase):
    def use_format(self, log_format: str) -> io.StringIO:
        """Configure logging as the settings do for ``log_format``, into a buffer."""
        out = io.StringIO()
        config = logging_config(log_format, "INFO")
        config["handlers"]["console"]["stream"] = out
        logging.config.dictConfig(config)
        self.addCleanup(logging.config.dictConfig, settings.LOGGING)
        return out

    def request_and_worker_step(self) -> str:
        """A signed-in request and a worker step that both log the number; the log text."""
        self.login(self.alice)
        response = self.client.get(
            f"/org/org-a/rutiner/{PNR}/", headers={"X-Request-ID": "req-from-nginx-0001"}
        )
        self.assertEqual(response.status_code, 404)
        loops = {"logtest": f"{__name__}.step_that_logs"}
        with mock.patch.dict("reservrutin.workers.loops.LOOPS", loops):
            call_command("worker", "--once", "--only", "logtest", stdout=io.StringIO())
        return self.out.getvalue()

    def test_text_lines_mask_the_number_and_carry_the_context(self) -> None:
        self.out = self.use_format("text")
        text = self.request_and_worker_step()
        self.assertNotIn(PNR, text)
        self.assertNotIn("1212-1212", text)
        self.assertIn("19121212-****", text)  # the lines were written, masked
        self.assertIn("req=req-from-nginx-0001", text)
        self.assertIn(f"user={self.alice.pk} org=org-a", text)
        self.assertIn("loop=logtest", text)
        self.assertIn("ValueError: recipient 19121212-**** refused", text)

    def test_json_lines_parse_mask_the_number_and_carry_the_context(self) -> None:
        self.out = self.use_format("json")
        text = self.request_and_worker_step()
        self.assertNotIn(PNR, text)
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        not_found = next(line for line in lines if line["logger"] == "django.request")
        self.assertEqual(not_found["request_id"], "req-from-nginx-0001")
        self.assertEqual(not_found["user_id"], str(self.alice.pk))
        self.assertEqual(not_found["organisation"], "org-a")
        self.assertIn("19121212-****", not_found["message"])
        claimed = next(line for line in lines if line["message"].startswith("claimed"))
        self.assertEqual((claimed["loop"], claimed["request_id"]), ("logtest", "-"))
        self.assertEqual(claimed["patient"], "19121212-****")
        failed = next(line for line in lines if "exc_info" in line)
        self.assertIn("recipient 19121212-**** refused", failed["exc_info"])

    def test_a_malformed_log_call_neither_raises_nor_leaks(self) -> None:
        out = self.use_format("json")
        with mock.patch("logging.Handler.handleError") as reported:
            log.warning("%s and %s", PNR)  # one argument short
            log.warning("%d", f"patient {PNR}")  # wrong type
        self.assertEqual(reported.call_count, 2)  # logging's own report, not an exception
        self.assertNotIn(PNR, out.getvalue())

    def test_a_request_without_a_sane_id_gets_a_new_one(self) -> None:
        for bad in ("", "short", "x" * 65, "a b c d e f g h", 'id"\n{"level":"x"}'):
            made = request_id_from(bad)
            self.assertNotEqual(made, bad)
            self.assertRegex(made, r"^[0-9a-f]{32}$")


class LogFormatSettingTestCase(BaseTestCase):
    def test_text_or_json_and_anything_else_is_a_settings_error(self) -> None:
        with mock.patch.object(env, "PROBLEMS", []) as problems:
            self.assertEqual(
                [log_format(v) for v in ("", "JSON", "text")], ["text", "json", "text"]
            )
            self.assertEqual(problems, [])
            self.assertEqual(log_format("xml"), "text")
            self.assertEqual(problems, [("LOG_FORMAT", "xml", "expected text or json")])
