"""Create (or replace) the two Prefect automations that route bimtek notifications to a coordinator.

    uv run python scripts/create_automations.py --webhook-url https://chat.example/hooks/abc   # generic JSON webhook
    uv run python scripts/create_automations.py --block slack-webhook/bimtek-koordinator       # an existing block

- "bimtek: penolakan tinggi": on `bimtek.validation.rejections-high` (a run rejected more than
  BIMTEK_REJECT_ALERT_SHARE of its rows; emitted by flows/notify.py) -> notification naming region, stage, share.
- "bimtek: run gagal": on `bimtek.run.failed` only (emitted once per failed or crashed run by the flows' state hook;
  matching Prefect's own Failed/Crashed events too would send every failure twice) -> notification with region,
  stage, the Indonesian cause, the run page and the portal.
Needs PREFECT_API_URL pointing at the server. Re-running replaces automations of the same name.
"""

from __future__ import annotations

import argparse

REJECTIONS_NAME = "bimtek: penolakan tinggi"
FAILED_NAME = "bimtek: run gagal"


def _block_id(block: str | None, webhook_url: str | None):
    from prefect.blocks.core import Block
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    if block:
        return Block.load(block)._block_document_id
    hook = CustomWebhookNotificationBlock(
        name="bimtek-koordinator",
        url=webhook_url,
        json_data={"subject": "{{subject}}", "text": "{{body}}"},
        allow_private_urls=True,
    )
    hook.save("bimtek-koordinator", overwrite=True)
    return hook._block_document_id


def create_automations(block_document_id) -> list:
    from prefect.automations import Automation
    from prefect.events.actions import SendNotification
    from prefect.events.schemas.automations import EventTrigger, Posture

    specs = [
        Automation(
            name=REJECTIONS_NAME,
            description="Banyak baris usulan OPD ditolak validasi (lihat flows/notify.py).",
            trigger=EventTrigger(
                expect={"bimtek.validation.rejections-high"},
                match={"prefect.resource.id": "bimtek.region.*"},
                posture=Posture.Reactive,
                threshold=1,
                within=0,
            ),
            actions=[
                SendNotification(
                    block_document_id=block_document_id,
                    subject="bimtek: banyak baris ditolak - {{ event.payload.region_name }} Tahap {{ event.payload.stage }}",
                    body=(
                        "{{ event.payload.region_name }} Tahap {{ event.payload.stage }}: "
                        "{{ event.payload.rows_rejected }} dari {{ event.payload.rows_total }} baris ditolak "
                        "({{ event.payload.share_persen }}, batas {{ event.payload.batas_persen }}).\n"
                        "Halaman run: {{ event.payload.halaman_run }}\n"
                        "Portal (hasil dan status OPD): {{ event.payload.portal }}"
                    ),
                )
            ],
        ),
        Automation(
            name=FAILED_NAME,
            description="Run deployment bimtek gagal atau crash.",
            trigger=EventTrigger(
                expect={"bimtek.run.failed"},
                match={"prefect.resource.id": "bimtek.region.*"},
                posture=Posture.Reactive,
                threshold=1,
                within=0,
            ),
            actions=[
                SendNotification(
                    block_document_id=block_document_id,
                    subject="bimtek: run gagal - {{ event.payload.region_name }} {{ event.payload.tahap }}",
                    body=(
                        "Run {{ event.payload.flow_run.name }} ({{ event.payload.region_name }}, "
                        "{{ event.payload.tahap }}) berakhir {{ event.payload.state }}.\n"
                        "Penyebab: {{ event.payload.message }}\n"
                        "Halaman run: {{ event.payload.halaman_run }}\n"
                        "Portal: {{ event.payload.portal }}"
                    ),
                )
            ],
        ),
    ]
    from prefect.client.orchestration import get_client

    created = []
    with get_client(sync_client=True) as client:
        for automation in specs:
            for old in client.read_automations_by_name(automation.name):
                client.delete_automation(old.id)
            created.append(automation.create())
    return created


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--webhook-url", help="URL that receives a JSON POST {subject, text} per notification")
    target.add_argument("--block", help="an existing notification block, e.g. slack-webhook/bimtek-koordinator")
    args = parser.parse_args(argv)
    for automation in create_automations(_block_id(args.block, args.webhook_url)):
        print(f"automation {automation.name!r}: {automation.id}")


if __name__ == "__main__":
    main()
