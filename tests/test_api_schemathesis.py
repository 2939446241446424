"""schemathesis against our own OpenAPI schema, on a real app.py server started here:
every generated request gets a 2xx/4xx answer (never a 5xx) and no traceback in the body."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

from benchmarks.servers import running_app
from service.api import hash_key
from tests.case_counter import count_case

KEY = "schemathesis-key"


def test_no_server_errors_on_generated_requests(bundled_settings, tmp_path):
    extra = {"NETLAW_API_KEYS": f"fuzz:{hash_key(KEY)}", "NETLAW_API_RATE_PER_MINUTE": "100000"}
    with running_app(tmp_path, bundled_settings.store_dir, extra, users=False) as (url, _, _):
        schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert {op.path for op in operations} >= {"/api/ask", "/api/ask/stream", "/api/documents", "/api/feedback",
                                                 "/api/health", "/api/documents/{doc_id}/articles/{label}"}
        failures = []
        for op in operations:
            @given(case=op.as_strategy())
            @hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def check(case):
                count_case("schemathesis")
                response = case.call(base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
                if response.status_code >= 500 or "Traceback" in response.text:
                    failures.append((case.method, case.formatted_path, response.status_code, response.text[:200]))

            check()
        assert not failures, failures[:5]
