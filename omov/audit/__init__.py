"""omov.audit: the append-only, hash-chained audit log, and the Job rows that report background work."""
