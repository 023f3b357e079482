"""Domain, persistence, scoring and services. No Qt here: a test enforces it."""
