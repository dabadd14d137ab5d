"""Residents' oversight (云监督): questions and complaints on disclosures, answers, deadlines, escalation, moderation."""
