"""Archive: the SQLite file that keeps every version of every article.

schema     every table, index, trigger and view, and the migrations between versions
store      the `Archive`: the save transaction, the fetch log, reads
ingest     from a fetched `Page` to an archived version: the one save path (fetch, crawl, reextract, import)
runs       one row per crawl round of a site, and the bookkeeping around a round
copies     near-copy fingerprints (SimHash) and their lookup
diff       word diffs between versions
export     JSON Lines and CSV export
warc       WARC export and import
reextract  re-run extraction over stored raw pages
status     what `scraper status` reports
"""
