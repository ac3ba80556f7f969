"""Administration: users, their passwords and their role grants."""
