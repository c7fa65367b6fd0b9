"""The dashboard, the analytics page with its CSV downloads, and the unsubscribe page.

Reads come from insights.dashboard / insights.analytics; the only write (unsubscribing) goes
through insights.services.
"""

import csv

from django.contrib import admin
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cleaning_queue.models import QueueEntry
from core.choices import Tier
from workorders.stages import Stage

from . import charts, reminders, services
from .analytics import SERIES, get_analytics
from .dashboard import get_dashboard_counts, list_recent_work_orders
from .forms import period_from

ANALYTICS_PERMISSION = "insights.view_analytics"  # declared on insights.Analytics
QUEUE_HEAD = 5
BOARD_STAGES = ((Stage.IN_PROGRESS, "in_progress"), (Stage.CLEANED, "cleaned"), (Stage.TREATED, "treated"),
                (Stage.PACKAGED, "packaged"))

# CSV columns per series: (header, key in the series rows).
CSV_COLUMNS = {
    "throughput": (("week starting", "week"), ("orders completed", "orders_completed"), ("square feet", "square_feet")),
    "backlog": (("week ending", "week_ending"), ("open orders", "open_orders")),
    "turnaround": (("tier", "tier"), ("orders completed", "orders_completed"), ("average days", "average_days")),
    "revenue": (("month", "month"), ("revenue", "revenue")),
    "sources": (("source", "source"), ("orders", "orders")),
}


@require_GET
@login_required
def dashboard(request):
    if not request.user.has_perm("workorders.view_workorder"):
        raise PermissionDenied
    counts = get_dashboard_counts()
    if not request.user.is_staff:
        return _floor_dashboard(request, counts)
    recent = list_recent_work_orders()
    return render(request, "insights/dashboard.html", {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "counts": counts,
        "today": timezone.localdate(),
        "recent": recent,
        "recent_rush": sum(order.tier != Tier.REGULAR for order in recent),
        "recent_sail": sum(order.is_sail_order for order in recent),
        "can_see_analytics": request.user.has_perm(ANALYTICS_PERMISSION),
    })


def _floor_dashboard(request, counts):
    """Technicians: the queue and the board, nothing of the office."""
    head = QueueEntry.objects.select_related("work_order__customer").order_by("position")[:QUEUE_HEAD]
    return render(request, "insights/floor_dashboard.html", {
        "counts": counts,
        "head": head,
        "board": [(Stage(stage).label, tab, counts[stage.value]) for stage, tab in BOARD_STAGES],
    })


@require_GET
@login_required
@permission_required(ANALYTICS_PERMISSION, raise_exception=True)
def analytics(request):
    period, form = period_from(request.GET)
    series = get_analytics(period)
    return render(request, "insights/analytics.html", {
        **admin.site.each_context(request),
        "title": "Analytics",
        "form": form,
        "period": period,
        "query": f"start={period.start.isoformat()}&end={period.end.isoformat()}",
        "series": series,
        "totals": {
            "orders_completed": sum(row["orders_completed"] for row in series["throughput"]),
            "square_feet": sum(row["square_feet"] for row in series["throughput"]),
            "revenue": sum(row["revenue"] for row in series["revenue"]),
        },
        "charts": _charts(series),
    })


def _charts(series: dict[str, list[dict]]) -> dict:
    def points(name: str, label: str, value: str, label_format: str | None = None) -> list[tuple]:
        return [(row[label].strftime(label_format) if label_format else row[label], row[value]) for row in series[name]]

    week, month = "%b %d", "%b %Y"
    return {
        "orders": charts.bar_chart(points("throughput", "week", "orders_completed", week),
                                   label="Orders completed per week"),
        "square_feet": charts.line_chart(points("throughput", "week", "square_feet", week),
                                         label="Square feet cleaned per week", unit=" sq ft"),
        "backlog": charts.line_chart(points("backlog", "week_ending", "open_orders", week),
                                     label="Open orders at the end of each week"),
        "turnaround": charts.bar_chart(points("turnaround", "tier", "average_days"),
                                       label="Average days from in to completed, by priority", unit=" days"),
        "revenue": charts.bar_chart(points("revenue", "month", "revenue", month),
                                    label="Revenue by month of completion", unit=" dollars"),
        "sources": charts.horizontal_bar_chart(points("sources", "source", "orders"),
                                               label="Orders brought in by source"),
    }


@require_GET
@login_required
@permission_required(ANALYTICS_PERMISSION, raise_exception=True)
def analytics_csv(request, series: str):
    if series not in SERIES:
        raise Http404
    period, _ = period_from(request.GET)
    rows = get_analytics(period)[series]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{series}_{period.start.isoformat()}_{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    columns = CSV_COLUMNS[series]
    writer.writerow([header for header, _ in columns])
    for row in rows:
        writer.writerow(["" if row[key] is None else _csv_safe(row[key]) for _, key in columns])
    return response


def _csv_safe(value):
    """Source names are typed by people: keep a spreadsheet from reading one as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


# The signed token is the credential: there is no session to forge a request against, and mail
# clients' one-click unsubscribe (RFC 8058) POSTs without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    customer = reminders.customer_for_token(token)
    if customer is None:
        return render(request, "insights/unsubscribe.html", {"error": reminders.BAD_UNSUBSCRIBE_LINK}, status=404)
    # GET only asks: link scanners in mail systems open links, and must not unsubscribe anyone.
    done = request.method == "POST"
    if done:
        services.unsubscribe_customer(customer=customer)
    return render(request, "insights/unsubscribe.html", {"customer": customer, "done": done})
