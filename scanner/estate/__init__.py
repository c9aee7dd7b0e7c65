"""The estate: every store's sweeps in one PostgreSQL history, forwarded, guarded and reported."""
