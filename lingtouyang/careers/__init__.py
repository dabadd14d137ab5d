"""Careers (三个通道, 能上能下): promotions, exam passes, demotions, dismissals, resignations; a person's timeline."""
