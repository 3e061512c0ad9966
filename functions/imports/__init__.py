"""Step Functions tasks of the catalogue import (prepare, process_batch, finalize, mark_failed) and of
the background publish (publish, publish_failed)."""
