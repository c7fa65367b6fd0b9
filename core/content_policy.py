"""django-csp's middleware, applied to HTML pages only.

A policy protects documents that run scripts. On a PDF ticket or an inline attachment it does
nothing useful and can stop Chrome's built-in PDF viewer (``object-src 'none'``), so those keep
their plain headers (``nosniff`` still applies to every response).
"""

from csp.middleware import CSPMiddleware


class HtmlOnlyCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
