"""Views of the reviews app, split by topic: the case review page and pack, meetings and invitations,
findings and confidential agency actions, and the public invitation-response page."""
