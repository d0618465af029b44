"""REST API v1: programmes, calls, applications, designations (routes: config/api_urls.py)."""
