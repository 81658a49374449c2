"""Role rules for the recommendation pages (which objects each user sees is the selectors' job)."""

from accounts.models import Role
from accounts.permissions import role_required

# A recommendation's page (responses, evidence): the Business Manager, the audit's panel and the
# owner agencies' contributors. Board members read the tracker instead: no responses, no evidence.
recommendation_reader_required = role_required(
    Role.BUSINESS_MANAGER, Role.PANEL_MEMBER, Role.AGENCY_CONTRIBUTOR
)
# Comments on recommendations: the Business Manager and the audit's panel.
recommendation_commenter_required = role_required(Role.BUSINESS_MANAGER, Role.PANEL_MEMBER)
