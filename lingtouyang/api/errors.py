"""The API's exception handler: DRF's, plus one class of fault turned into the refusal it is.

A value the database cannot hold — a NUL character in text (PostgreSQL refuses it), a number beyond a
column's range — reaches the database through many doors (a related object's key, a log-in name, a
lookup) and was a 500. It is the caller's input, so it is answered 400 and logged; whatever the request
had written is rolled back with its transaction."""

import logging
from typing import Any

from django.db import DataError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("lingtouyang.api")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DataError):
        request = context.get("request")
        logger.warning("refused a value the database cannot hold: %s %s", getattr(request, "method", "?"),
                       getattr(request, "path", "?"), exc_info=exc)
        return Response({"detail": _("A value is not acceptable: too large, or containing a NUL character.")},
                        status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
