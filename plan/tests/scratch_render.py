from datetime import date
from decimal import Decimal
from indicators import services as ind_services
from indicators.models import Indicator
from plan import services
from plan.exports import bulletin_docx, ledger_xlsx, bulletin_doc_number
from plan.models import Unit
from plan.periods import parse_period
from plan.reporting import build_dashboard, plan_tasks
from plan.tests.pages import import_seed


def test_render(admin):
    plan = import_seed(admin)
    today = date(2023, 10, 8)
    tasks = {t.code: t for t in plan.tasks.prefetch_related("assignments__unit").select_related("plan")}
    print(sorted(tasks)[:80])
    dc = Unit.objects.get(short_name="大数据中心")
    for code, period, done, pct in [("1-1", "2023Q3", True, 100), ("1-2", "2023Q3", False, 60), ("1-4", "2023Q3", False, 70), ("1-5", "2023Q2", False, 30)]:
        services.submit_report(admin, tasks[code], dc, period=period, text=f"{tasks[code].heading}进展情况", percent=pct, claims_done=done, today=today)
    services.refresh_statuses(plan.tasks.active(), today=today)
    ind = Indicator.objects.order_by("id").first()
    ind_services.record_measurement(admin, ind, value="95", period_label="2023Q3")
    period = parse_period("2023Q3")
    dash = build_dashboard(plan, period, today)
    data = bulletin_docx(plan, dash, period, today, doc_number=bulletin_doc_number(plan, period), issuer="泗洪县人民政府办公室",
                         recipients="各乡镇人民政府，各街道办事处，县各开发区、园区管委会，县各办局，县各直属单位：", cc="县委办公室，县人大常委会办公室，县政协办公室")
    open("/tmp/render/bulletin.docx", "wb").write(data)
    open("/tmp/render/ledger.xlsx", "wb").write(ledger_xlsx(plan, plan_tasks(plan), period, today, dashboard=dash))
