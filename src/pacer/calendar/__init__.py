"""The reporting calendar: months open, locked and reopened, and each month's reporting deadline."""
