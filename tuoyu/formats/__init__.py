"""Our format overrides (``FORMAT_MODULE_PATH``); anything not set here comes from Django's own locale."""
