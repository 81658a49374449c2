from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import board_reader_required


@board_reader_required
@require_safe
def board_home(request):
    """The Board's home: published reports and the recommendation tracker summary, no case detail."""
    return render(request, "recommendations/board_home.html", {})
