"""The crawl over more than one machine: Dramatiq over Redis (`--broker`).

The roles of a single-machine round (`scraper.crawl.round`) pulled apart: the coordinator keeps the
schedule, the frontier and the one archive writer; stateless workers fetch and extract the due URLs
of one leased host at a time; per-host pacing lives in Redis so it holds over every worker.  Nothing
here is imported unless `--broker` is given: the single-machine crawl never needs Dramatiq or Redis.
"""
