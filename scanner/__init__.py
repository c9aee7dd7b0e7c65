"""camscan: find Hikvision and Dahua CCTV equipment, under any label, with evidence."""

__version__ = "0.1.0"
