"""One situation (a scenario file) → one Assessment: every engine run once, read by the
command line and the API."""
