"""Training pages (placeholder until written)."""

urlpatterns: list = []
