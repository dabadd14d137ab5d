"""Village governance rules as checklists and major decisions under 四议两公开."""
