"""The situation report and data exports."""
