"""Ways to present a ScanResult: terminal, JSON, HTML. Each exposes render(result)."""
