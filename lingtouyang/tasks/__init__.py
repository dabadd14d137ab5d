"""Key tasks and indicators (重点任务): governance tasks with owners and progress, cumulative indicators."""
