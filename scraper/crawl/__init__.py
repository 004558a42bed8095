"""Crawl: one round over one or more sites, from the frontier to the archive.

round         the dispatcher and host workers of a round, and `crawl` itself
frontier      every discovered URL as a row of the archive, with its state and next-due time
schedule      when a URL or a site is next due: revisits, retries, rounds
writer        the archive writer: the only code of a crawl that writes
extract_pool  where a crawl runs extraction: in the event loop or in worker processes
pipes         the worker processes, fed from the event loop over a pair of pipes each
"""
