"""The desk's Textual screens, widgets and styles (the only UI code)."""
