"""Institutions: the bodies that staff, speakers, participants and hosts belong to."""
