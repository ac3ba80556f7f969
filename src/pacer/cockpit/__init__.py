"""The leadership cockpit: where a unit stands for a month, its children, and drill-down."""
