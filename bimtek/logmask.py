"""Personal and speaker links carry their token in the path: whoever reads a log must not
be able to open someone's page. Every log line, the web server's access log included, has
those tokens replaced by `[token]`."""
from __future__ import annotations

import logging
import re

from gunicorn import glogging

# /me/<token>…, /speakers/agenda/<token>[.ics], /register/confirm/<token>
TOKEN_IN_PATH = re.compile(r"(/me/|/speakers/agenda/|/register/confirm/)[A-Za-z0-9_-]+")
MASK = r"\1[token]"


def mask_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(MASK, text)


class MaskTokens(logging.Filter):
    """Rewrites each record's message with its tokens masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def mask_app_logs(app_logger: logging.Logger) -> None:
    """The app's own log and the development server's request log."""
    for logger in (app_logger, logging.getLogger("werkzeug")):
        if not any(isinstance(existing, MaskTokens) for existing in logger.filters):
            logger.addFilter(MaskTokens())


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with tokens masked in the access log (request line, path,
    referrer) and the error log. gunicorn.conf.py names it."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.error_log.addFilter(MaskTokens())
        self.access_log.addFilter(MaskTokens())
