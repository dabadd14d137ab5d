"""Pay (薪酬): versioned county pay policy, the one pay engine, payroll runs and pay slips."""
