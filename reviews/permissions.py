"""Role rules of the reviews app (objects are still scoped by the selectors)."""

from accounts.models import Role
from accounts.permissions import role_required

# Confidential agency actions: the Business Manager and panel monitor them; the owner agency's
# contributors see and answer their own agency's.
action_reader_required = role_required(Role.BUSINESS_MANAGER, Role.PANEL_MEMBER, Role.AGENCY_CONTRIBUTOR)
