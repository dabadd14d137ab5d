from lingtouyang.portal.render import render_all


def demo_portal(prefix: str) -> str:
    """Render the public pages of the villages under `prefix` (the demo's disclosures were inserted in bulk,
    without the per-publication rendering); return a line for the demo's log. Each disclosure's own page is
    rendered on its first request."""
    villages = render_all(prefix, pages=False)
    return f"public portal: {villages} village pages rendered (/open/)"
