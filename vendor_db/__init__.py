"""camscan's fingerprint data: TOML files read through importlib.resources (no Python logic here)."""
