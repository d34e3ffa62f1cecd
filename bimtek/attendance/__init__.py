"""Attendance: check-in at the desk and in the room, per session."""
