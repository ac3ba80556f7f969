"""Meetings and their numbered requirements."""
