"""servicekit.security: one JSON log line per security event, with its fields at the top."""

import io
import json
import logging

from servicekit.logs import setup_logging
from servicekit.security import security_event


def test_a_security_event_is_one_json_line_with_actor_target_organisation_and_address():
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers, root.level
    try:
        setup_logging("auth", "INFO", stream=stream)
        security_event(
            "role_changed", actor="u-1", target="u-2", org_id="o-1", client_address="::1", role="x"
        )
    finally:
        root.handlers, root.level = handlers, level
    (line,) = stream.getvalue().splitlines()
    logged = json.loads(line)
    assert logged["message"] == logged["security_event"] == "role_changed"
    assert (logged["actor"], logged["target"], logged["org_id"]) == ("u-1", "u-2", "o-1")
    assert (logged["client_address"], logged["role"], logged["name"]) == ("::1", "x", "security")
    assert logged["service"] == "auth"
