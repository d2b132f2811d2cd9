"""fieldkit: offline anti-fraud publicity coverage for villages (不漏一户、不漏一人)."""

__version__ = "0.1.0"
