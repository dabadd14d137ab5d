"""Village affairs disclosure (村务公开): catalogue, drafts, review, publication, the tamper-evident ledger, compliance."""
