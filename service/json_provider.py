"""Flask's JSON provider on orjson (see `service.jsonio` for what falls back and why)."""

from __future__ import annotations

from typing import Any, cast

from flask import Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response as BaseResponse

from service.jsonio import fast_dumps


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson for compact output (responses out of debug mode and
    `dumps` without arguments); indented output and every fallback are Flask's own."""

    sort_keys = False  # SPEC's field order, as the checker writes it

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs:
            encoded = fast_dumps(obj)
            if encoded is not None:
                return encoded.decode("utf-8")
        return super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> BaseResponse:
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        body = fast_dumps(obj, newline=True)
        if body is None:
            return super().response(obj)
        response_class = cast("type[Response]", self._app.response_class)  # a Flask app's
        return response_class(body, mimetype=self.mimetype)
