"""camscan's fingerprint data: TOML read through importlib.resources (no Python logic here)."""
