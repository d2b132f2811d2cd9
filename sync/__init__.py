"""Township and auditor side: bundles, verified merge, kits, receipts, audit, reports."""
