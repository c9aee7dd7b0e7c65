"""Active discovery: targets, probe builders, senders, banner grabs and the scan orchestration."""
