"""Fetch: the polite async HTTP client, from a URL to a decoded `Page`.

client   one request in, one `Page` out, or a `FetchError` (timeouts, redirects, size caps)
guard    the transport: DNS resolution under an address policy (no private addresses unless allowed)
decode   bounded decompression and charset detection
pacing   robots.txt, per-host pacing and concurrency, retries, host backoff
"""
