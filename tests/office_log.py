"""A small hand-made campaign log for the look-ups (tests/app/test_lookups.py and
tests/cli/test_lookups.py), each command appended at the recorded time a clerk would have
typed it, so that `known_at` views differ from `as_of` ones.

The 2020 campaign (CAMPAIGN_2020: sla land 20, approval 7, power 10 working days):

| code   | unit     | leader | sector    | category    | registered | then                    |
|--------|----------|--------|-----------|-------------|------------|-------------------------|
| ZZ-001 | 区招商局 | 张三   | lithium   | new         | 01-06      | signed 2019, started 04-20 |
| ZZ-002 | 区工信局 | 李四   | photonics | continuing  | 01-06      |                         |
| ZZ-003 | 区工信局 | 王五   | pharma    | new         | 01-06      | terminated 05-20        |
| ZZ-004 | 区科技局 | 赵六   | big_data  | preparatory | 05-25      | plan 0                  |

Reports (effective date, recorded):
- ZZ-001: 04-15 100 (funds 50, physical 10%), 04-16 **0 and nothing else**, 04-30 400 (physical
  20%), 06-30 1000, and 06-29 50 recorded late on 07-02;
- ZZ-002: 04-16 300 recorded late on 04-20, 04-30 500, 06-30 600;
- ZZ-003: 04-15 200;
- ZZ-004: 06-30 **0 with funds 0**.

Factor requests:
- ZZ-001-20200416-land, filed 04-16: the 20th working day after is 05-15 (Apr 17, 20–24, Sunday
  26 worked, 27–30, May 6–8, Saturday 9 worked, 11–15); escalated by hand to 1 on 05-06;
  extended on 05-14 to 06-10; open. On 06-30: (06-10, 06-30] holds 13 working days (Dragon Boat
  25–27 rest, Sunday 28 worked): level 2.
- ZZ-002-20200416-approval, filed 04-16: due 04-26 (the 7th working day: Sunday 26 worked);
  resolved (fulfilled) on 05-06, late.
- ZZ-003-20200518-power, filed 05-18: due 06-01 (10th working day); the project is terminated on
  05-20, the request stays open: on 06-30, 20 working days overdue, level 3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.conftest import at

if TYPE_CHECKING:
    from tests.conftest import Harness

ZZ_002: dict[str, Any] = {
    "code": "ZZ-002",
    "name": "光电子器件产业园",
    "sector": "photonics",
    "category": "continuing",
    "unit": "区工信局",
    "leader": "李四",
    "total_investment": "30000",
    "annual_plan": "8000",
    "date": "2020-01-06",
}
ZZ_003: dict[str, Any] = {
    "code": "ZZ-003",
    "name": "生物医药中试基地",
    "sector": "pharma",
    "category": "new",
    "unit": "区工信局",
    "leader": "王五",
    "total_investment": "12000",
    "annual_plan": "6000",
    "date": "2020-01-06",
}
ZZ_004: dict[str, Any] = {
    "code": "ZZ-004",
    "name": "大数据中心二期",
    "sector": "big_data",
    "category": "preparatory",
    "unit": "区科技局",
    "leader": "赵六",
    "total_investment": "20000",
    "annual_plan": "0",
    "date": "2020-05-25",
}
LAND = "ZZ-001-20200416-land"
APPROVAL = "ZZ-002-20200416-approval"
POWER = "ZZ-003-20200518-power"


def report(h: Harness, code: str, date: str, investment: str, **more: Any) -> None:
    h.run("report_progress", code=code, date=date, investment=investment, **more)


def write(h: Harness) -> Harness:
    """Append the log above through `h` (an empty store), moving its clock as it goes."""
    h.clock.at = at("2020-01-05 09:00")
    h.open()
    h.clock.at = at("2020-01-06 10:00")
    h.register(planned_start="2020-04-15")
    h.run("register_project", **ZZ_002)
    h.run("register_project", **ZZ_003)
    h.run("reach_milestone", code="ZZ-001", milestone="signed", date="2019-12-20")
    h.clock.at = at("2020-04-15 18:00")
    report(h, "ZZ-001", "2020-04-15", "100", funds="50", physical_pct="10")
    report(h, "ZZ-003", "2020-04-15", "200")
    h.clock.at = at("2020-04-16 18:00")
    report(h, "ZZ-001", "2020-04-16", "0")
    h.run("file_factor", code="ZZ-001", category="land", detail="二期用地", date="2020-04-16")
    h.run("file_factor", code="ZZ-002", category="approval", detail="施工许可", date="2020-04-16")
    h.clock.at = at("2020-04-20 09:00")
    report(h, "ZZ-002", "2020-04-16", "300")
    h.run("reach_milestone", code="ZZ-001", milestone="started", date="2020-04-20")
    h.clock.at = at("2020-04-30 18:00")
    report(h, "ZZ-001", "2020-04-30", "400", physical_pct="20")
    report(h, "ZZ-002", "2020-04-30", "500")
    h.clock.at = at("2020-05-06 10:00")
    h.run("resolve_factor", id=APPROVAL, outcome="fulfilled", date="2020-05-06", note="已发证")
    h.run("escalate_factor", id=LAND, level=1, date="2020-05-06", note="下发督办单")
    h.clock.at = at("2020-05-14 10:00")
    h.run("extend_factor", id=LAND, due="2020-06-10", date="2020-05-14", reason="需省厅批复")
    h.clock.at = at("2020-05-20 10:00")
    h.run("file_factor", code="ZZ-003", category="power", detail="双回路接入", date="2020-05-18")
    h.run("terminate_project", code="ZZ-003", date="2020-05-20", reason="投资方撤资")
    h.clock.at = at("2020-05-25 10:00")
    h.run("register_project", **ZZ_004)
    h.clock.at = at("2020-06-30 18:00")
    report(h, "ZZ-001", "2020-06-30", "1000")
    report(h, "ZZ-002", "2020-06-30", "600")
    report(h, "ZZ-004", "2020-06-30", "0", funds="0")
    h.clock.at = at("2020-07-02 09:00")
    report(h, "ZZ-001", "2020-06-29", "50")
    h.clock.at = at("2020-07-10 10:00")
    return h


EVENTS = 24
"""The events `write` appends."""
