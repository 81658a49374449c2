from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import permission_required

from . import selectors


@permission_required("read_case_data")
@require_safe
def attention(request):
    """The home page of the people doing the work: what waits for them across every audit."""
    items = selectors.attention_items_for_user(user=request.user)
    return render(
        request,
        "worklist/attention.html",
        {"items": items, "total": sum(item.count for item in items)},
    )
