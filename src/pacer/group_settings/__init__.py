"""The group's settings kept in the database: its name and logo, default language, time-progress
basis, money scale, mail server and sign-in lifetime; the environment's settings are the fallback."""
