"""Browser tests: the built site in Debian's Chromium, driven by Playwright (see conftest.py).

A package, so that its conftest.py is `browser.conftest` and `from conftest import ...` in the
tests one level up still finds tests/conftest.py.
"""
