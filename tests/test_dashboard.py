"""The dashboard's counts against a known set of packs."""

from datetime import date

from deskapp.dashboard import bar_chart, build_dashboard, filter_rows

from .supervisor_helpers import add_supervisor, known_round


def test_counts_against_known_packs(desk):
    packs = known_round(add_supervisor(desk))
    board = build_dashboard(desk.store)
    assert board.total == 6 and board.voided == 1 and board.withdrawn == 1 and board.live == 4
    assert (board.complete, board.incomplete, board.late) == (2, 2, 1)
    studio = board.by_kind_status["studio"]
    assert {k: v for k, v in studio.items() if v} == {"accepted": 1, "registered": 2, "withdrawn": 1, "voided": 1}
    assert {k: v for k, v in board.by_kind_status["project"].items() if v} == {"registered": 1}
    assert board.kind_total("studio") == 5
    # Live packs per sector (withdrawn and voided not counted), round's sectors first.
    assert board.by_sector == {
        "煤炭煤电煤化工": {"studio": 1},
        "教育": {"studio": 1},
        "卫生": {"studio": 1},
        "（未填）": {"project": 1},
    }
    # Every day from the first arrival to the deadline; late and voided packs not on the chart.
    assert board.arrivals[0] == (date(2026, 6, 3), 1) and board.arrivals[-1] == (date(2026, 6, 15), 0)
    assert len(board.arrivals) == 13 and dict(board.arrivals)[date(2026, 6, 5)] == 2
    assert dict(board.arrivals)[date(2026, 6, 6)] == 0 and board.late_arrivals == 1
    rows = board.incomplete_rows
    assert [r.receipt_no for r in rows] == [packs["missing"].receipt_no, packs["project"].receipt_no]
    assert rows[0].missing == ("佐证材料", "电子版") and rows[0].contact == "赵六" and rows[0].phone == "13812345678"
    assert rows[0].phone_masked == "138****5678"
    assert (
        rows[1].missing == tuple(i.label for i in desk.config.round.checklist("project")) and rows[1].contact == "钱七"
    )


def test_incomplete_list_filters_and_sorts(desk):
    known_round(add_supervisor(desk))
    rows = build_dashboard(desk.store).incomplete_rows
    assert [r.name for r in filter_rows(rows, kind="project")] == ["项目甲"]
    assert [r.name for r in filter_rows(rows, text="赵六")] == ["乙工作室"]
    assert [r.name for r in filter_rows(rows, text="佐证")] == ["乙工作室"]
    assert next(r.name for r in filter_rows(rows, sort="missing")) == "项目甲"
    assert [r.name for r in filter_rows(rows, sort="received")] == ["乙工作室", "项目甲"]


def test_bar_chart_scales_to_the_busiest_day():
    lines = bar_chart([(date(2026, 6, 1), 2), (date(2026, 6, 2), 0), (date(2026, 6, 3), 4)], width=8)
    assert lines == ["06-01 ████ 2", "06-02  0", "06-03 ████████ 4"]
    assert bar_chart([]) == ["（尚无收件）"]
