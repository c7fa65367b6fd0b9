"""A baseline endpoint for bench/create_orders.py, mounted only with AWNING_BENCH_ENDPOINTS=true.

It inserts one bare row through the same middleware (session, auth, CSRF) as the admin form, so
the benchmark can say what an order costs compared with the cheapest possible write. The row is
benchmark scaffolding in a table the benchmark creates, not business data: no service involved.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.html import format_html


@login_required
def bare_insert(request):
    if request.method == "POST":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_bare_rows (created_at) VALUES (CURRENT_TIMESTAMP)")
        return HttpResponseRedirect(request.path)
    return HttpResponse(format_html('<input name="csrfmiddlewaretoken" value="{}">', get_token(request)))
