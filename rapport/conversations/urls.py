"""URLs of this capability; each has its row in tests/conversations/authz.py."""

urlpatterns: list = []
