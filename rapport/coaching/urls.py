"""URLs of this capability; each has its row in tests/coaching/authz.py."""

urlpatterns: list = []
