"""End-to-end tests through a real browser (Playwright driving Debian Chromium)."""
