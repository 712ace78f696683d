"""Schedules derived from a region calendar (pure)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bimtek.analysis.schedules import ScheduleSpec, region_slug_prefix, schedules_for_region
from bimtek.core.region import parse_region

WIB = ZoneInfo("Asia/Jakarta")

CALENDAR = {
    "tahap-1": dt.date(2027, 3, 1),
    "tahap-2": dt.date(2027, 4, 5),
    "tahap-3": dt.date(2027, 5, 3),
    "tahap-4": dt.date(2027, 6, 7),
    "rakor": dt.date(2027, 8, 10),
}
BEFORE_ALL = dt.date(2027, 1, 1)


def make_region(calendar=CALENDAR, timezone=None, slug="kab-contoh"):
    data = {
        "slug": slug,
        "name": "Kabupaten Contoh",
        "province": "Sumatera Barat",
        "period": {"start": 2027, "end": 2031},
        "calendar": {k: v.isoformat() for k, v in calendar.items()},
    }
    if timezone:
        data["timezone"] = timezone
    return parse_region(data, "test")


def by_slug(specs: list[ScheduleSpec]) -> dict[str, ScheduleSpec]:
    return {s.slug.removeprefix(region_slug_prefix(s.slug.split(":")[1])): s for s in specs}


def test_full_calendar_gives_validation_drafts_and_packaging():
    specs = schedules_for_region(make_region(), today=BEFORE_ALL)
    named = by_slug(specs)
    assert sorted(named) == sorted(
        [f"validasi-tahap-{n}" for n in range(1, 5)] + [f"draf-tahap-{n}" for n in range(1, 5)] + ["paket-rakor"]
    )
    assert len(specs) == 9
    assert all(s.timezone == "Asia/Jakarta" for s in specs)
    assert all(s.slug.startswith("bimtek:kab-contoh:") for s in specs)
    assert [s.start for s in specs] == sorted(s.start for s in specs)
    deployments = {s.slug.rsplit(":", 1)[1]: s.deployment for s in specs}
    assert deployments["validasi-tahap-2"] == "validasi-inbox"
    assert deployments["draf-tahap-3"] == "tahap-3"
    assert deployments["paket-rakor"] == "bimtek-all"


@pytest.mark.parametrize("stage", [1, 2, 3, 4])
def test_validation_runs_daily_at_7_wib_during_the_14_days_before_each_tahap(stage):
    tahap = CALENDAR[f"tahap-{stage}"]
    spec = by_slug(schedules_for_region(make_region(), today=BEFORE_ALL))[f"validasi-tahap-{stage}"]
    dates = spec.dates()
    assert len(dates) == 14
    assert dates[0] == dt.datetime.combine(tahap - dt.timedelta(days=14), dt.time(7), WIB)
    assert dates[-1] == dt.datetime.combine(tahap - dt.timedelta(days=1), dt.time(7), WIB)
    assert all(d.tzinfo == WIB and d.hour == 7 and d.minute == 0 for d in dates)
    assert all(d.date() < tahap for d in dates), "no validation run on or after the Tahap date"
    assert spec.parameters == {
        "region": "kab-contoh",
        "inputs": f"regions/inputs/tahap-{stage}",
        "stage": stage,
    }


def test_validation_at_7_wib_is_midnight_utc():
    spec = by_slug(schedules_for_region(make_region(), today=BEFORE_ALL))["validasi-tahap-1"]
    first = spec.dates()[0].astimezone(dt.UTC)
    assert (first.hour, first.date()) == (0, dt.date(2027, 2, 15))


def test_nightly_drafts_run_from_each_tahap_until_the_night_before_the_next():
    named = by_slug(schedules_for_region(make_region(), today=BEFORE_ALL))
    draft_3 = named["draf-tahap-3"].dates()
    assert draft_3[0] == dt.datetime(2027, 5, 3, 22, 0, tzinfo=WIB)
    assert draft_3[-1] == dt.datetime(2027, 6, 6, 22, 0, tzinfo=WIB)
    assert len(draft_3) == (CALENDAR["tahap-4"] - CALENDAR["tahap-3"]).days
    assert named["draf-tahap-3"].parameters["inputs"].endswith("/tahap-3")
    # Tahap IV drafts stop the night before the final packaging run (rakor - 3 days)
    draft_4 = named["draf-tahap-4"].dates()
    assert draft_4[0] == dt.datetime(2027, 6, 7, 22, 0, tzinfo=WIB)
    assert draft_4[-1] == dt.datetime(2027, 8, 6, 22, 0, tzinfo=WIB)


def test_packaging_runs_once_three_days_before_rakor_at_six():
    spec = by_slug(schedules_for_region(make_region(), today=BEFORE_ALL))["paket-rakor"]
    assert spec.dates() == [dt.datetime(2027, 8, 7, 6, 0, tzinfo=WIB)]
    assert spec.runs == 1
    assert spec.deployment == "bimtek-all"
    assert spec.rrule == "DTSTART:20270807T060000\nRRULE:FREQ=DAILY;UNTIL=20270807T060000"


def test_no_calendar_no_schedules():
    assert schedules_for_region(make_region(calendar={}), today=BEFORE_ALL) == []


def test_windows_that_ended_are_left_out():
    specs = schedules_for_region(make_region(), today=dt.date(2027, 5, 10))
    assert sorted(by_slug(specs)) == ["draf-tahap-3", "draf-tahap-4", "paket-rakor", "validasi-tahap-4"]
    assert schedules_for_region(make_region(), today=dt.date(2027, 8, 8)) == []


def test_partial_calendar_and_other_timezone():
    region = make_region(calendar={"tahap-3": dt.date(2027, 5, 3)}, timezone="Asia/Makassar")
    specs = schedules_for_region(region, today=BEFORE_ALL)
    named = by_slug(specs)
    assert sorted(named) == ["draf-tahap-3", "validasi-tahap-3"]
    assert {s.timezone for s in specs} == {"Asia/Makassar"}
    # no later milestone: nightly drafts last 28 nights
    assert named["draf-tahap-3"].runs == 28
    assert named["validasi-tahap-3"].dates()[0].utcoffset() == dt.timedelta(hours=8)


def test_parameters_follow_region_path_inputs_root_and_store():
    specs = schedules_for_region(
        make_region(),
        today=BEFORE_ALL,
        region_path="sample/kab-contoh/region.yaml",
        inputs_root="s3://bimtek-inbox/kab-contoh/",
        store="s3://bimtek-store",
    )
    named = by_slug(specs)
    assert named["draf-tahap-2"].parameters == {
        "region": "kab-contoh",
        "inputs": "s3://bimtek-inbox/kab-contoh/tahap-2",
        "store": "s3://bimtek-store",
    }
    assert named["validasi-tahap-2"].parameters["inputs"] == "s3://bimtek-inbox/kab-contoh/tahap-2"
    assert "store" not in named["validasi-tahap-2"].parameters  # validation publishes nothing
    assert named["paket-rakor"].parameters["inputs"] == "s3://bimtek-inbox/kab-contoh"
    default = by_slug(schedules_for_region(make_region(), today=BEFORE_ALL, region_path="sample/x/region.yaml"))
    assert default["draf-tahap-1"].parameters == {"region": "kab-contoh", "inputs": "sample/x/inputs/tahap-1"}


def test_rrule_is_accepted_by_prefect_and_gives_the_same_dates():
    from prefect.client.schemas.schedules import RRuleSchedule

    for spec in schedules_for_region(make_region(), today=BEFORE_ALL):
        schedule = RRuleSchedule(rrule=spec.rrule, timezone=spec.timezone)
        expected = spec.dates()
        got = list(schedule.to_rrule())
        assert [d.astimezone(dt.UTC) for d in got] == [d.astimezone(dt.UTC) for d in expected]


def test_region_slug_prefix_does_not_match_a_longer_slug():
    assert not "bimtek:padang-pariaman:draf-tahap-3".startswith(region_slug_prefix("padang"))


def test_reminders_go_out_7_3_and_1_days_before_each_deadline_when_an_opd_has_an_address():
    data = make_region(calendar={**CALENDAR, "monev-s1": dt.date(2027, 7, 15)}).model_dump()
    data["opd"] = [{"name": "Dinas Kesehatan", "email": "dinkes@kab.example"}, {"name": "Dinas Sosial"}]
    region = parse_region(data, "test")
    reminders = [s for s in schedules_for_region(region, today=BEFORE_ALL) if s.kind == "pengingat"]
    assert len(reminders) == 3 * 5  # four Tahap and one monev deadline
    tahap_3 = sorted((s for s in reminders if s.stage == 3), key=lambda s: s.start)
    assert [d for s in tahap_3 for d in s.dates()] == [
        dt.datetime(2027, 4, 26, 8, 0, tzinfo=WIB),
        dt.datetime(2027, 4, 30, 8, 0, tzinfo=WIB),
        dt.datetime(2027, 5, 2, 8, 0, tzinfo=WIB),
    ]
    assert {s.deployment for s in reminders} == {"pengingat"}
    assert tahap_3[0].parameters == {"region": "kab-contoh", "stage": 3}
    assert sorted(s.slug.rsplit(":", 1)[1] for s in reminders if s.stage == 5) == [
        "pengingat-monev-s1-h1",
        "pengingat-monev-s1-h3",
        "pengingat-monev-s1-h7",
    ]
    no_address = [s for s in schedules_for_region(make_region(), today=BEFORE_ALL) if s.kind == "pengingat"]
    assert no_address == []  # nobody to remind: no schedule
