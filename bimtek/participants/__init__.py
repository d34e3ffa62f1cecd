"""A participant's pages that bring registration, attendance and certificates together."""
