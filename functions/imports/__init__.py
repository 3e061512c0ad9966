"""Step Functions tasks of the catalogue import: prepare, process_batch, finalize and mark_failed."""
