"""PDF and spreadsheet exports. No Qt here: a test enforces it."""
