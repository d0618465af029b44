"""REST API v1: regions, industries, enterprises and API tokens (routes: config/api_urls.py)."""
