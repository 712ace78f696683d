"""The rejection-alert decision and the event it emits (flows/notify.py)."""

from __future__ import annotations

import pytest

from bimtek.core.region import parse_region
from flows.notify import rejection_share, rejections_too_high


@pytest.mark.parametrize(
    ("total", "rejected", "threshold", "alert"),
    [
        (100, 20, 0.2, False),  # exactly at the threshold: no alert
        (100, 21, 0.2, True),
        (10, 3, 0.2, True),
        (10, 0, 0.0, False),
        (10, 1, 0.0, True),
        (0, 0, 0.2, False),  # empty inbox never alerts
        (5, 5, 1.0, False),
    ],
)
def test_rejection_alert_decision(total, rejected, threshold, alert):
    assert rejections_too_high(total, rejected, threshold) is alert


def test_rejection_share():
    assert rejection_share(0, 0) == 0.0
    assert rejection_share(8, 2) == 0.25


def test_notify_if_needed_emits_only_above_threshold(monkeypatch):
    from types import SimpleNamespace

    import flows.notify as notify

    sent = []
    monkeypatch.setattr(
        notify, "_emit", lambda event, resource, payload: sent.append((event, resource, payload)) or True
    )
    region = parse_region(
        {
            "slug": "kab-contoh",
            "name": "Kabupaten Contoh",
            "province": "Sumatera Barat",
            "period": {"start": 2027, "end": 2031},
        },
        "test",
    )
    assert notify.notify_if_needed(region, 3, SimpleNamespace(rows_total=10, rows_rejected=2), threshold=0.2) is False
    assert sent == []
    result = {"run_id": "r1", "run_url": "/store/kab-contoh/tahap-3/r1"}
    assert notify.notify_if_needed(region, 3, SimpleNamespace(rows_total=10, rows_rejected=3), result, threshold=0.2)
    [(event, resource, payload)] = sent
    assert event == "bimtek.validation.rejections-high"
    assert resource["prefect.resource.id"] == "bimtek.region.kab-contoh"
    assert payload["region"] == "kab-contoh" and payload["stage"] == 3
    assert payload["share"] == 0.3 and payload["threshold"] == 0.2
    assert payload["run_id"] == "r1" and payload["rows_rejected"] == 3
