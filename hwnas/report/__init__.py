"""Reports a person reads: terminal tables, Markdown, HTML."""
