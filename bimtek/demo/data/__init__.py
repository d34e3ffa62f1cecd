"""The demo's fixed data: what it makes is the same every time."""
