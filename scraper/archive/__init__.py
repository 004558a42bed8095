"""Archive: the SQLite file that keeps every version of every article.

store      the `Archive`: schema, the save transaction, fetch log, reads, runs
ingest     from a fetched `Page` to an archived version: the save path of fetch, crawl and import
copies     near-copy fingerprints (SimHash) and their lookup
diff       word diffs between versions
export     JSON Lines and CSV export
warc       WARC export and import
reextract  re-run extraction over stored raw pages
status     what `scraper status` reports
"""
