"""Keep tokens out of the server's logs: the access log shows `token=***` for any query value
whose name holds "token" (the shop link's `?token=`), however the name is percent-encoded."""

import logging
from urllib.parse import unquote_plus

ACCESS_LOGGER = "uvicorn.access"
MASK = "***"


def mask_tokens(text: str) -> str:
    """`text` (a request path with its query) with the values of token parameters masked."""
    base, separator, query = text.partition("?")
    if not separator:
        return text
    parts = []
    for part in query.split("&"):
        key, equals, value = part.partition("=")
        if equals and "token" in unquote_plus(key).lower():
            value = MASK
        parts.append(key + equals + value)
    return base + separator + "&".join(parts)


class MaskTokens(logging.Filter):
    """A logging filter that masks token query values in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; every record is kept."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                mask_tokens(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = mask_tokens(record.msg)
        return True


def install(logger_name: str = ACCESS_LOGGER) -> None:
    """Add `MaskTokens` to the access logger once (uvicorn configures it before loading the app,
    so the filter added when the app is built stays)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, MaskTokens) for f in logger.filters):
        logger.addFilter(MaskTokens())
