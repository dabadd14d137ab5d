def demo_disclosure(prefix: str) -> str:
    """Build this part's demo data for the regions under `prefix`, once; return a line for the demo's log
    (empty when nothing was added)."""
    return ""
