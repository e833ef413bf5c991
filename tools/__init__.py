"""Developer tools: rebuilding the shipped database and the simulated phones (not shipped)."""
