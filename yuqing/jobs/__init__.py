"""The task queue and schedules: huey on SQLite on one box, huey on Redis for several."""
