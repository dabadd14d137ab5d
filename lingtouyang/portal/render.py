"""Pre-rendering of the public pages: a village's pages are written as files when it publishes (or corrects)
a disclosure, and served as files (nginx in production, the app in the demo)."""


def render_village(code: str) -> None:
    """Re-render every public page of the village `code` (called after a publication commits)."""
