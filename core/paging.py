"""One way to cut a list into pages (every list page uses it; no page renders more rows than
its page size).

The total is counted only up to ``CAP`` rows (``COUNT(*)`` over a ``LIMIT``ed subquery), so the
count costs the same at 60,000 rows as at 10,000; past it the page says "超过 10000 条" and the
first ``CAP / per_page`` pages are reachable (readers narrow a list that long with its filters).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

PAGE_SIZE = 50
CAP = 10000


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self):
        return min(self._counted, self.cap)

    @cached_property
    def _counted(self):
        rows = self.object_list
        if hasattr(rows, "query"):
            return rows.order_by()[: self.cap + 1].count()
        return len(rows)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def paginate(request, rows, per_page=PAGE_SIZE, param="page"):
    """The page of ``rows`` named by ``?page=`` (the first when missing or wrong); a page with
    two lists names the second one's parameter."""
    return CappedPaginator(rows, per_page).get_page(request.GET.get(param))


def page_query(request, param="page") -> str:
    """The request's query string without ``param``, for the pagination links."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()
