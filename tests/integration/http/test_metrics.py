"""GET /metrics: Prometheus text with request, intake, decision and state series (issue 9)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from service import metrics
from service.moderation import Moderation
from tests.integration.http.conftest import Headers, approve, comment_payload, post_comment


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:  # fmt: skip
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_by_route_template_and_status(
    client: TestClient, site: Headers
) -> None:
    before = scrape(client)
    post_comment(client, site)
    client.post("/v1/comments", json={"body": "x"}, headers=site)  # 422
    client.get("/v1/articles/some%2Farticle/comments", headers=site)
    client.get("/no/such/path")
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    total = "commentdesk_http_requests_total"
    assert delta(total, method="POST", route="/v1/comments", status="202") == 1
    assert delta(total, method="POST", route="/v1/comments", status="422") == 1
    assert delta(total, method="GET", route="/v1/articles/{article_id:path}/comments",
                 status="200") == 1  # fmt: skip
    assert delta(total, method="GET", route="unmatched", status="404") == 1
    latency = "commentdesk_http_request_duration_seconds_count"
    assert delta(latency, method="POST", route="/v1/comments") == 2
    assert delta("commentdesk_intake_batch_size_count") >= 1


def test_metrics_report_decisions_queue_state_and_webhook_counters(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    before = scrape(client)
    decided = post_comment(client, site)
    post_comment(client, site)  # stays pending
    approve(moderation, decided)
    metrics.record_webhook_delivery("delivered")
    metrics.set_outbox_backlog(7)
    after = scrape(client)

    decisions = "commentdesk_decisions_total"
    assert (
        value(after, decisions, status="approved", source="moderator")
        - value(before, decisions, status="approved", source="moderator")
        == 1
    )
    assert value(after, "commentdesk_oldest_pending_age_seconds") >= 0
    assert ("commentdesk_queue_depth", ()) in after
    webhook = "commentdesk_webhook_deliveries_total"
    assert (
        value(after, webhook, outcome="delivered") - value(before, webhook, outcome="delivered")
        == 1
    )
    assert value(after, "commentdesk_outbox_backlog") == 7


def test_metrics_answer_while_the_state_cannot_be_read(client: TestClient) -> None:
    # /metrics is what people look at during an outage: it must never fail on one.
    assert client.get("/metrics").status_code == 200
    assert "commentdesk_http_requests_total" in client.get("/metrics").text


def test_metrics_are_not_part_of_the_api_description(client: TestClient) -> None:
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]
    assert comment_payload()  # the helper stays importable for the other tests
