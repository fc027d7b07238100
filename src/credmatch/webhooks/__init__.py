"""Webhook plumbing that needs no graph: URL checks against SSRF (``targets``) and the
Standard Webhooks signature scheme (``signing``)."""
